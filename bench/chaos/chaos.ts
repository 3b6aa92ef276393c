/**
 * The long chaos run, on demand (issue 14 §1):
 *   npm run chaos -- --runs 50
 * It starts its own PostgreSQL and Kafka broker (both are restarted as faults; see chaos-infra.ts).
 * Each run: fresh database and topics, orders/consent/audience/outreach as separate processes, mixed
 * traffic while services are SIGKILLed and the broker and the database restarted, then the sequence
 * oracle (bench/chaos/chaos-run.ts). Prints one line per run and a JSON summary; `--out FILE` also
 * writes the summary there after every run (a long run interrupted still leaves its figures).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startChaosInfrastructure } from './chaos-infra';
import { FAULT_KINDS, runChaos, stopAllServices, type ChaosReport, type FaultKind } from './chaos-run';

/** The machine's 1-minute load average, sampled every 30 s while the runner runs. */
const loadSamples: number[] = [];

export function summarise(reports: ChaosReport[], wallMs: number) {
  const faults: Record<string, number> = {};
  for (const r of reports) for (const [k, n] of Object.entries(r.faults)) faults[k] = (faults[k] ?? 0) + n;
  const percentiles = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return { n: sorted.length, p50: pct(0.5), p95: pct(0.95), max: sorted.at(-1) ?? 0 };
  };
  const sum = <K extends string>(pick: (r: ChaosReport) => Record<K, number>) =>
    reports.reduce(
      (a, r) => {
        for (const [k, n] of Object.entries(pick(r)) as [K, number][]) a[k] = (a[k] ?? 0) + n;
        return a;
      },
      {} as Record<K, number>,
    );
  return {
    runs: reports.length,
    faults,
    violations: reports.reduce((n, r) => n + r.violations.length, 0),
    violationList: reports.flatMap((r, i) => r.violations.map((v) => `run ${i + 1}: ${v}`)),
    recoveryMs: {
      all: percentiles(reports.flatMap((r) => Object.values(r.recoveryMs).flat())),
      ...Object.fromEntries(
        FAULT_KINDS.map((k) => [k, percentiles(reports.flatMap((r) => r.recoveryMs[k]))]),
      ),
    },
    afterBackMs: Object.fromEntries(
      FAULT_KINDS.map((k) => [k, percentiles(reports.flatMap((r) => r.afterBackMs?.[k] ?? []))]),
    ),
    loadAverage: (() => {
      const sorted = [...loadSamples].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
      return { samples: sorted.length, min: at(0), p50: at(0.5), max: sorted.at(-1) ?? 0 };
    })(),
    phasesMs: Object.fromEntries(
      [...new Set(reports.flatMap((r) => Object.keys(r.phasesMs)))].map((k) => [
        k,
        percentiles(reports.map((r) => r.phasesMs[k] ?? 0)),
      ]),
    ),
    selfExits: sum((r) => r.selfExits),
    acknowledged: sum((r) => r.acknowledged),
    campaign: sum((r) => ({
      cohort: r.campaign.cohort,
      left: r.campaign.left,
      sent: r.campaign.sent,
      sentToLeaver: r.campaign.sentToLeaver,
      resumes: r.campaign.resumes,
    })),
    /** The latest any message to a leaver reached the vendor after their withdrawal's commit (ms). */
    worstLeaverLagMs: reports.reduce<number | null>(
      (w, r) =>
        r.campaign.worstLeaverLagMs === null
          ? w
          : Math.max(w ?? r.campaign.worstLeaverLagMs, r.campaign.worstLeaverLagMs),
      null,
    ),
    retries: reports.reduce((n, r) => n + r.retries, 0),
    wallMinutes: Math.round(wallMs / 600) / 100,
  };
}

function shuffled<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
  const runs = arg('runs', 5);
  const planIndex = process.argv.indexOf('--plan');
  const plan = planIndex > 0 ? (process.argv[planIndex + 1] ?? '') : undefined;
  const allKinds = process.argv.includes('--all-kinds');
  const root = join(__dirname, '..', '..', '..');
  const began = Date.now();
  const reports: ChaosReport[] = [];
  loadSamples.push(loadavg()[0]);
  setInterval(() => loadSamples.push(loadavg()[0]), 30_000).unref();
  const infra = await startChaosInfrastructure(root, (l) => console.log(l));
  // Interrupted (Ctrl-C, timeout): stop the broker and the database it started, keep the figures.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      console.log(JSON.stringify(summarise(reports, Date.now() - began), null, 2));
      stopAllServices();
      void infra.stop().finally(() => process.exit(130));
    });
  try {
    for (let run = 1; run <= runs; run++) {
      const runBegan = Date.now();
      const report = await runChaos({
        root,
        infra,
        trafficMs: arg('seconds', 0) * 1000,
        members: arg('members', 10),
        imports: arg('imports', 2),
        rowsPerImport: arg('rows', 50),
        pushes: arg('pushes', 10),
        campaignMembers: arg('cohort', 10),
        // By default each run injects one fault, the kinds in turn (run 1 a SIGKILL, run 2 a broker
        // restart, run 3 a database restart, …), so a long run has every kind about equally often and a
        // run lasts one recovery, not three; `--all-kinds` injects each kind once per run in a random
        // order; either way random faults follow while the `--seconds` window lasts.
        faultPlan:
          plan !== undefined
            ? (plan.split(',').filter(Boolean) as FaultKind[])
            : allKinds
              ? shuffled(FAULT_KINDS)
              : [FAULT_KINDS[(run - 1) % FAULT_KINDS.length]],
        log: process.env.CHAOS_VERBOSE ? (l) => console.log(`  ${l}`) : undefined,
      });
      reports.push(report);
      const kills = Object.values(report.faults).reduce((a, b) => a + b, 0);
      console.log(
        `run ${run}/${runs}: ${kills} faults (${Object.entries(report.faults)
          .map(([k, n]) => `${k} ${n}`)
          .join(
            ', ',
          )}), ${report.violations.length} violations, ${Math.round((Date.now() - runBegan) / 1000)} s`,
      );
      for (const v of report.violations) console.log(`  VIOLATION ${v}`);
      if (out) writeFileSync(out, JSON.stringify(summarise(reports, Date.now() - began), null, 2) + '\n');
    }
  } finally {
    await infra.stop();
  }
  console.log(JSON.stringify(summarise(reports, Date.now() - began), null, 2));
  if (reports.some((r) => r.violations.length > 0)) process.exit(1);
}

if (require.main === module)
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`chaos: ${(err as Error).message}`);
      process.exit(1);
    },
  );
