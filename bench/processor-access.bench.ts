/**
 * The processor route's page (R15), measured: one page of 200 members of a segment of N members with
 * their per-grant pseudonyms (what `ProcessorAccessRepository.pageOfMembers` runs: keyset on
 * subject_ref, the cursor a stored token), first page and a page from the middle, next to two same-run
 * baselines: the same keyset page without pseudonyms, and the first design, which ordered by pseudonym
 * (no index can serve that order, so every page hashed and sorted the whole segment). Not a test.
 *
 *   npm run build:server && node dist/bench/processor-access.bench.js [members, default 100000]
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDatabaseIfMissing,
  openServiceDataSource,
  provisionServiceDatabase,
  startEmbeddedPostgres,
} from '../libs/persistence/src';
import { AUDIENCE_MIGRATIONS } from '../services/audience/src/audience.migrations';
import { ProcessorAccessRepository } from '../services/audience/src/processor-access/processor-access.repository';

const MEMBERS = Number(process.argv[2] ?? 100_000);
const ROUNDS = 7;
const PAGE = 200;

async function median(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
}

async function main(): Promise<void> {
  const pg = process.env.DATABASE_URL
    ? { adminUrl: process.env.DATABASE_URL, stop: async () => {} }
    : await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
        persistent: false,
      });
  try {
    const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `processor_bench_${Date.now()}`);
    const ds = await openServiceDataSource({
      database: await provisionServiceDatabase(adminUrl, 'audience'),
      entities: [],
      migrations: AUDIENCE_MIGRATIONS,
    });
    const repo = new ProcessorAccessRepository();
    const rows: string[] = [];
    for (const size of [MEMBERS / 10, MEMBERS]) {
      const segmentId = randomUUID();
      await ds.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO segments (id, brand_id, name, purpose, channel, created_by, version)
           VALUES ($1, 'demo', 'bench', 'marketing_messages', 'sms', 'bench', 1)`,
          [segmentId],
        );
        await tx.query(
          `WITH s AS (SELECT gen_random_uuid() AS ref FROM generate_series(1, $2))
           , c AS (INSERT INTO member_consents (subject_ref, brand_id, purpose, channel, granted, ledger_seq)
                   SELECT ref, 'demo', 'marketing_messages', 'sms', true, 1 FROM s)
           INSERT INTO segment_members (segment_id, from_version, subject_ref) SELECT $1, 1, ref FROM s`,
          [segmentId, size],
        );
      });
      await ds.query('ANALYZE');
      const grantId = randomUUID();
      const [mid] = await ds.query(
        `SELECT encode(sha256(convert_to($2 || ':' || subject_ref::text, 'UTF8')), 'hex') AS h, subject_ref
           FROM segment_members WHERE segment_id = $1 ORDER BY subject_ref OFFSET $3 LIMIT 1`,
        [segmentId, grantId, Math.floor(size / 2)],
      );
      const page = (afterSubjectRef: string | null) =>
        ds.transaction((tx) =>
          repo.pageOfMembers(tx, { brandId: 'demo', segmentId, grantId, afterSubjectRef, limit: PAGE }),
        );
      const byPseudonym = (after: string | null) =>
        ds.query(
          `WITH current AS (
             SELECT sm.subject_ref,
                    encode(sha256(convert_to($2 || ':' || sm.subject_ref::text, 'UTF8')), 'hex') AS member_ref
               FROM segment_members sm JOIN segments s ON s.id = sm.segment_id
              WHERE sm.segment_id = $1 AND sm.to_version IS NULL
                AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = sm.subject_ref
                              AND c.purpose = s.purpose AND c.channel = s.channel AND c.granted))
           SELECT subject_ref, member_ref FROM current WHERE $3::text IS NULL OR member_ref > $3
            ORDER BY member_ref LIMIT $4`,
          [segmentId, grantId, after, PAGE],
        );
      const keyset = (after: string) =>
        ds.query(
          `SELECT sm.subject_ref FROM segment_members sm JOIN segments s ON s.id = sm.segment_id
            WHERE sm.segment_id = $1 AND sm.to_version IS NULL AND sm.subject_ref > $2
              AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = sm.subject_ref
                            AND c.purpose = s.purpose AND c.channel = s.channel AND c.granted)
            ORDER BY sm.subject_ref LIMIT $3`,
          [segmentId, after, PAGE],
        );
      const cells = async (label: string, after: string | null, afterHash: string | null) => {
        const route = await median(() => page(after));
        const base = await median(() => keyset(after ?? '00000000-0000-0000-0000-000000000000'));
        const first = await median(() => byPseudonym(afterHash));
        rows.push(
          `| ${size.toLocaleString('en')} | ${label} | ${route.toFixed(1)} ms | ${base.toFixed(1)} ms | ${(route / base).toFixed(2)}× | ${first.toFixed(1)} ms | ${(first / base).toFixed(1)}× |`,
        );
      };
      await cells('first', null, null);
      await cells('middle', mid.subject_ref, mid.h);
    }
    console.log(`processor page of ${PAGE}, median of ${ROUNDS} after a warm-up`);
    console.log(
      '| members | page | route (keyset + pseudonym) | keyset baseline | ratio | first design (pseudonym order) | ratio |\n|---|---|---|---|---|---|---|',
    );
    console.log(rows.join('\n'));
    await ds.destroy();
  } finally {
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
