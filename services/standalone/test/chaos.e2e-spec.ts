import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, describeWithKafka } from '@siyu/testing';
import { runChaos, type ChaosReport } from '../../../bench/chaos/chaos-run';

const root = join(__dirname, '..', '..', '..');
/** CI runs a short version; `npm run chaos -- --runs 50` runs the long one (bench/chaos/chaos.ts). */
const RUNS = Number(process.env.CHAOS_RUNS ?? 1);

/**
 * Fault injection with a sequence oracle (issue 14 §1, short version): orders, consent and audience
 * as separate processes over real Kafka and PostgreSQL, imports and membership joins/leaves while a
 * random service is SIGKILLed and restarted; afterwards no event lost, none applied twice, every
 * acknowledged import row stored once, every join/leave once in the ledger and reflected in audience.
 */
describeWithKafka(
  'chaos: SIGKILLed services under mixed traffic lose nothing and apply nothing twice',
  (brokers) => {
    it(`holds the oracle over ${RUNS} runs`, async () => {
      // The services run as their containers run them: from the build output (.ci/run builds first).
      expect(existsSync(join(root, 'dist', 'services', 'consent', 'src', 'main.js'))).toBe(true);
      const reports: ChaosReport[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const report = await runChaos({
          root,
          databaseUrl: await createTestDatabase(`chaos${run}`),
          brokers,
          trafficMs: 10_000,
          members: 20,
          imports: 4,
          rowsPerImport: 50,
        });
        console.log(`chaos run ${run}: ${JSON.stringify(report)}`);
        reports.push(report);
      }
      const faults = reports.reduce((n, r) => n + Object.values(r.faults).reduce((a, b) => a + b, 0), 0);
      expect(faults).toBeGreaterThanOrEqual(RUNS);
      expect(reports.flatMap((r) => r.violations)).toEqual([]);
    }, 600_000);
  },
);
