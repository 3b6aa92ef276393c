/**
 * The tag refresh's claim of a batch of dirty members (issue 10 §6): the one-statement claim
 * (DirtyMembersRepository.claim) against the previous three statements, on the same marks in the
 * same run, each in a transaction rolled back, alternating, best of five. N members (default
 * 300,000), 10,000 of them marked dirty, plus 100 marks of members who have gone.
 *
 *   npm run build:server && node dist/bench/audience/claim.bench.js [members]
 */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import {
  createDatabaseIfMissing,
  openServiceDataSource,
  provisionServiceDatabase,
  startEmbeddedPostgres,
} from '../../libs/persistence/src';
import { AUDIENCE_MIGRATIONS } from '../../services/audience/src/audience.migrations';
import { DirtyMembersRepository } from '../../services/audience/src/features/dirty-members.repository';

const N = Number(process.argv[2] ?? 300_000);
const MARKED = 10_000;

/** The claim as it was before (commit 8e33144), verbatim but for the lock statement. */
async function previousClaim(tx: EntityManager, brandId: string, limit: number): Promise<string[]> {
  await tx.query(
    'DELETE FROM dirty_members d WHERE d.brand_id = $1 AND NOT EXISTS (SELECT 1 FROM members m WHERE m.subject_ref = d.subject_ref)',
    [brandId],
  );
  const rows: { subject_ref: string }[] = await tx.query(
    `SELECT m.subject_ref FROM members m
      WHERE m.subject_ref IN (SELECT d.subject_ref FROM dirty_members d WHERE d.brand_id = $1 ORDER BY d.marked_at LIMIT $2)
      ORDER BY m.subject_ref
      FOR UPDATE OF m SKIP LOCKED`,
    [brandId, limit],
  );
  const batch = rows.map((r) => r.subject_ref);
  if (batch.length > 0)
    await tx.query('DELETE FROM dirty_members WHERE subject_ref = ANY($1::uuid[])', [batch]);
  return batch;
}

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
    persistent: false,
  });
  try {
    const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `audience_claim_${Date.now()}`);
    const ds = await openServiceDataSource({
      database: await provisionServiceDatabase(adminUrl, 'audience'),
      entities: [],
      migrations: AUDIENCE_MIGRATIONS,
    });
    await ds.query(`INSERT INTO members (subject_ref, brand_id, joined_at, grants, closed_categories)
      SELECT gen_random_uuid(), 'demo', now(), ARRAY['marketing_messages:sms'], '{}' FROM generate_series(1, ${N})`);
    await ds.query(`INSERT INTO dirty_members (subject_ref, brand_id, marked_at)
      SELECT subject_ref, 'demo', now() FROM members ORDER BY subject_ref LIMIT ${MARKED}`);
    await ds.query(`INSERT INTO dirty_members (subject_ref, brand_id, marked_at)
      SELECT gen_random_uuid(), 'demo', now() FROM generate_series(1, 100)`);
    await ds.query('ANALYZE');
    const dirty = new DirtyMembersRepository();
    const ROLLBACK = new Error('roll back');
    const rolledBack = async (fn: (tx: EntityManager) => Promise<number>) => {
      const t = process.hrtime.bigint();
      let n = 0;
      try {
        await ds.transaction(async (tx) => {
          n = await fn(tx);
          throw ROLLBACK;
        });
      } catch (err) {
        if (err !== ROLLBACK) throw err;
      }
      return { ms: Number(process.hrtime.bigint() - t) / 1e6, n };
    };
    let current = Infinity;
    let previous = Infinity;
    for (let i = 0; i < 5; i++) {
      const c = await rolledBack(async (tx) => (await dirty.claim(tx, 'demo', 20_000)).batch.length);
      const p = await rolledBack(async (tx) => (await previousClaim(tx, 'demo', 20_000)).length);
      if (c.n !== MARKED || p.n !== MARKED) throw new Error(`claimed ${c.n} / ${p.n}, expected ${MARKED}`);
      current = Math.min(current, c.ms);
      previous = Math.min(previous, p.ms);
    }
    console.log(
      `claim of ${MARKED.toLocaleString('en')} marks (+100 gone) among ${N.toLocaleString('en')} members: one statement ${current.toFixed(0)} ms, previous three ${previous.toFixed(0)} ms (${(current / previous).toFixed(2)}×)`,
    );
    await ds.destroy();
  } finally {
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
