/**
 * The long chaos run, on demand (issue 14 §1):
 *   npm run kafka:start && KAFKA_BROKERS=127.0.0.1:9092 npm run chaos -- --runs 50
 * Each run: fresh database and topics, orders/consent/audience as separate processes, mixed traffic
 * while random services are SIGKILLed and restarted, then the sequence oracle (bench/chaos/chaos-run.ts).
 */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../../libs/persistence/src';
import { runChaos, type ChaosReport } from './chaos-run';

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const runs = arg('runs', 5);
  const brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!brokers) throw new Error('KAFKA_BROKERS is required (npm run kafka:start)');
  const root = join(__dirname, '..', '..', '..');
  const pg = process.env.DATABASE_URL
    ? null
    : await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), 'siyu-chaos-pg-')),
        persistent: false,
      });
  const adminUrl = process.env.DATABASE_URL ?? pg!.adminUrl;
  const reports: ChaosReport[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      const databaseUrl = await createDatabaseIfMissing(adminUrl, `chaos_${Date.now()}_${run}`);
      const report = await runChaos({
        root,
        databaseUrl,
        brokers,
        trafficMs: arg('seconds', 20) * 1000,
        members: arg('members', 40),
        imports: arg('imports', 8),
        rowsPerImport: arg('rows', 100),
      });
      reports.push(report);
      const kills = Object.values(report.faults).reduce((a, b) => a + b, 0);
      console.log(`run ${run}/${runs}: ${kills} faults, ${report.violations.length} violations`);
      for (const v of report.violations) console.log(`  VIOLATION ${v}`);
    }
  } finally {
    await pg?.stop();
  }
  const faults: Record<string, number> = {};
  for (const r of reports) for (const [k, n] of Object.entries(r.faults)) faults[k] = (faults[k] ?? 0) + n;
  const recovery = reports.flatMap((r) => r.recoveryMs).sort((a, b) => a - b);
  const pct = (p: number) => recovery[Math.min(recovery.length - 1, Math.floor(p * recovery.length))] ?? 0;
  console.log(
    JSON.stringify(
      {
        runs,
        faults,
        violations: reports.reduce((n, r) => n + r.violations.length, 0),
        recoveryMs: { p50: pct(0.5), p95: pct(0.95), max: recovery.at(-1) ?? 0 },
        acknowledged: reports.reduce(
          (a, r) => ({
            importRows: a.importRows + r.acknowledged.importRows,
            joins: a.joins + r.acknowledged.joins,
            leaves: a.leaves + r.acknowledged.leaves,
          }),
          { importRows: 0, joins: 0, leaves: 0 },
        ),
        retries: reports.reduce((n, r) => n + r.retries, 0),
      },
      null,
      2,
    ),
  );
  if (reports.some((r) => r.violations.length > 0)) process.exit(1);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`chaos: ${(err as Error).message}`);
    process.exit(1);
  },
);
