/**
 * Campaign fan-out (issue 17 §6). 100,000 recipients to the fake Aliyun SMS server through the
 * official SDK (AliyunSmsChannel) and the real send gate, versus the same fan-out with the gate
 * switched off (`sendGate: 'off-for-benchmark'`), in the same run, same database, same members.
 * Configurations alternate round by round (CONFIGS, default gate off / gate on pipelined; ROUNDS=3
 * each); medians, the gate's overhead in rate and in CPU per message (this process, PostgreSQL, the
 * fake vendor: bench/cpu.ts) and the load average are printed. The bench's own PostgreSQL takes a
 * checkpoint only before each round (see `settings` below).
 * Then the race: withdrawals applied during a gated fan-out; every dispatch the fake vendor saw
 * for a withdrawn member is compared with the withdrawal's commit. Prints figures; not a test.
 *
 *   npm run build && node dist/bench/outreach/fanout.bench.js [recipients=100000] [withdrawals=1000]
 *   (env CHUNK=500 recipients per gate query, ROUNDS=3 rounds per configuration, CONFIGS=off,on,serial,off-nocount;
 *   ROUNDS=0 runs only the race; EXPLAIN=1 ends with EXPLAIN ANALYZE of one chunk instead of the race;
 *   STATEMENTS=1 prints PostgreSQL's execution time per message statement by statement and logs the
 *   plans of statements slower than SLOW_MS=100; PG_LOG=<file> keeps the server's log)
 *
 * Consent is simulated in-process: each withdrawal is stamped at its "commit", then applied through
 * outreach's real consumer; watermarks follow the same order consent's advisory lock enforces.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { TOPICS } from '../../libs/contracts/src';
import { generateSecretsEnv, loadContactKeys } from '../../libs/crypto/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../../libs/persistence/src';
import { RemoteFakeAliyun } from './remote-fake-aliyun';
import { ownCpuSeconds, postmasterPid, processCpuSeconds, serverCpuSeconds } from '../cpu';
import { AliyunSmsChannel } from '../../services/outreach/src/channels/aliyun-sms.channel';
import { VendorSecret } from '../../services/outreach/src/channels/vendor-credentials';
import { CampaignRepository } from '../../services/outreach/src/campaigns/campaign.repository';
import { RunRepository } from '../../services/outreach/src/runs/run.repository';
import { OutreachModule } from '../../services/outreach/src/outreach.module';
import { OUTREACH_DB, type OutreachModuleOptions } from '../../services/outreach/src/outreach.options';
import { DeclareTemplate } from '../../services/outreach/src/templates/declare-template.use-case';
import { DispatchChunk } from '../../services/outreach/src/runs/dispatch-chunk';
import { CampaignRunner } from '../../services/outreach/src/runs/campaign-runner';
import { SendRepository } from '../../services/outreach/src/runs/send.repository';
import { ConsentProjectionRepository } from '../../services/outreach/src/consent-projection/consent-projection.repository';
import { OUTREACH_SUPPRESSION_SOURCES, SendGate } from '../../services/outreach/src/send-gate/send-gate';
import { describeSettings, pgSettingsFromEnv } from '../pg-settings';

/** Where a chunk's time goes: the gate's transaction (admit) and the vendor + outcome (dispatch). */
const spans = { admit: 0, admitted: 0, dispatch: 0, dispatched: 0, missedDeadline: 0 };
/**
 * Where a round's wall time goes outside the chunks: from the run's creation to its first gate
 * (planning the sends), the chunks, and from the last vendor answer to `done` (finishing); and the
 * gate's answers by kind (a stale answer drains the pipeline and waits 50 ms).
 */
const phases = { firstAdmit: 0, lastDispatched: 0, answers: {} as Record<string, number> };
for (const step of ['admit', 'dispatch'] as const) {
  const original = DispatchChunk.prototype[step] as (...a: unknown[]) => Promise<unknown>;
  (DispatchChunk.prototype as unknown as Record<string, unknown>)[step] = async function (
    this: DispatchChunk,
    ...args: unknown[]
  ) {
    const t = performance.now();
    if (step === 'admit' && phases.firstAdmit === 0) phases.firstAdmit = t;
    try {
      const r = (await original.apply(this, args)) as {
        kind: string;
        missedDeadline?: number;
        sends?: unknown[];
      };
      if (step === 'admit') {
        const k = r.kind === 'admitted' && r.sends?.length === 0 ? 'admitted_none' : r.kind;
        phases.answers[k] = (phases.answers[k] ?? 0) + 1;
      } else phases.lastDispatched = performance.now();
      // Sends whose vendor call would have started after the deadline: back to planned, gated again.
      if (r.kind === 'dispatched') spans.missedDeadline += r.missedDeadline ?? 0;
      return r;
    } finally {
      spans[step] += performance.now() - t;
      spans[step === 'admit' ? 'admitted' : 'dispatched']++;
    }
  };
}

interface Cpu {
  node: number;
  postgres: number;
  vendor: number;
}

const N = Number(process.argv[2] ?? 100_000);
const WITHDRAWALS = Number(process.argv[3] ?? 1000);
const PARTITIONS = 3;
// The runner's default chunk size (OutreachModuleOptions.runner.chunkSize).
const CHUNK = Number(process.env.CHUNK ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const STATEMENTS = process.env.STATEMENTS === '1';
const phoneOf = (i: number) => `13${String(100_000_000 + i).slice(-9)}`;

/** One queue for withdrawals and watermarks: a watermark never overtakes a withdrawal stamped before it. */
class ConsentSimulation {
  private chain: Promise<unknown> = Promise.resolve();
  private seq = 10_000_000;
  constructor(private readonly transport: InProcessTransport) {}

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.chain.then(job);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private publish(topic: string, key: string, event: object, partition?: number) {
    return this.transport.publish([
      {
        topic,
        key,
        partition,
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: 1,
          occurredAt: new Date().toISOString(),
          ...event,
        }),
      },
    ]);
  }

  watermark(): Promise<void> {
    return this.enqueue(async () => {
      const at = new Date().toISOString();
      for (let p = 0; p < PARTITIONS; p++)
        await this.publish(
          TOPICS.consentWithdrawn,
          `watermark-${p}`,
          { type: 'consent.watermark.v1', at, partition: p },
          p,
        );
    });
  }

  /** Resolves with the withdrawal's commit time (ms). */
  withdraw(subjectRef: string, source: 'unsubscribe_link' | 'sms_reply'): Promise<number> {
    return this.enqueue(async () => {
      const committedAt = Date.now();
      await this.publish(TOPICS.consentWithdrawn, subjectRef, {
        type: 'consent.withdrawn.v1',
        subjectRef,
        brandId: 'demo',
        purposes: ['marketing_messages'],
        channels: ['sms'],
        source,
        ledgerSeq: this.seq++,
        effectiveAt: new Date(committedAt).toISOString(),
      });
      return committedAt;
    });
  }
}

async function main(): Promise<void> {
  // Checkpoints only where reset() asks for one: a round writes ~470 MB of WAL, just under the
  // ~530 MB at which the default max_wal_size (1 GB) starts one by itself (and a timed one comes
  // every 5 minutes), so a round that crossed either paid a checkpoint and the full-page images
  // after it mid-round, and the next round did not. Every round still pays the full-page images
  // that follow reset's checkpoint.
  // PG_SETTINGS=name=value,… adds to or overrides these (bench/pg-settings.ts).
  const settings = pgSettingsFromEnv({
    max_wal_size: '8GB',
    checkpoint_timeout: '1h',
    // STATEMENTS=1: PostgreSQL's time per statement (pg_stat_statements, nested statements such
    // as triggers' included) per configuration, so a difference in CPU can be traced to them.
    ...(STATEMENTS
      ? {
          shared_preload_libraries: 'pg_stat_statements,auto_explain',
          'pg_stat_statements.track': 'all',
          'pg_stat_statements.max': '1000',
          // The plan of every statement slower than SLOW_MS (default 100 ms) goes to the server's
          // log, written to PG_LOG when set: a plan that flips shows there.
          'auto_explain.log_min_duration': `${process.env.SLOW_MS ?? 100}ms`,
        }
      : {}),
  });
  const pg = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
    persistent: false,
    settings,
    ...(process.env.PG_LOG ? { onLog: (line: string) => appendFileSync(process.env.PG_LOG!, line) } : {}),
  });
  console.log(`server settings: ${describeSettings(settings)}`);
  const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `obench_${Date.now()}`);
  const statements = STATEMENTS ? await StatementStats.open(adminUrl) : null;
  const secrets = generateSecretsEnv();
  const fake = await RemoteFakeAliyun.start();
  const transport = new InProcessTransport(PARTITIONS);
  const consent = new ConsentSimulation(transport);
  const heartbeat = setInterval(() => void consent.watermark(), 100);

  const start = async (
    sendGate: OutreachModuleOptions['sendGate'],
    pipelined = true,
  ): Promise<INestApplication> => {
    const app = await NestFactory.create(
      OutreachModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        env: secrets,
        brand: { id: 'demo', signature: '示例品牌' },
        publicBaseUrl: 'https://s.example.cn',
        smsChannels: () => [
          new AliyunSmsChannel({
            accessKeyId: 'bench-key',
            accessKeySecret: new VendorSecret('bench-secret'),
            endpoint: { protocol: 'http', host: fake.endpoint },
          }),
        ],
        vendorRatePerSecond: { aliyun: 1_000_000 },
        frequencyCaps: { sms: { max: 100, days: 30 } },
        runner: { pollMs: 20, chunkSize: CHUNK, pipelined },
        sendGate,
      }),
      { logger: ['error'] },
    );
    await app.init();
    return app;
  };

  // Seed: members as consent's events leave them in outreach, written in bulk.
  let app = await start('off-for-benchmark');
  let ds = app.get<DataSource>(OUTREACH_DB);
  const postmaster = await postmasterPid((sql) => ds.query(sql));
  const cpuNow = (): Cpu => ({
    node: ownCpuSeconds(),
    postgres: serverCpuSeconds(postmaster).postgres,
    vendor: processCpuSeconds(fake.pid),
  });
  const ring = loadContactKeys(secrets);
  const refs = Array.from({ length: N }, () => randomUUID());
  const segment = randomUUID();
  const t0 = Date.now();
  for (let i = 0; i < N; i += 10_000) {
    const part = refs.slice(i, i + 10_000);
    await ds.query(
      `INSERT INTO consent_projection (subject_ref, brand_id, purpose, channel, granted, ledger_seq)
       SELECT unnest($1::uuid[]), 'demo', 'marketing_messages', 'sms', true, 1`,
      [part],
    );
    await ds.query(
      "INSERT INTO contact_points (subject_ref, channel, sealed, ledger_seq) SELECT unnest($1::uuid[]), 'sms', unnest($2::text[]), 1",
      [part, part.map((r, j) => ring.seal(phoneOf(i + j), r))],
    );
    await ds.query(
      'INSERT INTO segment_members (segment_id, version, subject_ref) SELECT $1, 1, unnest($2::uuid[])',
      [segment, part],
    );
  }
  await ds.query(
    "INSERT INTO segment_versions (segment_id, version, purpose, channel, size, parts, parts_received) VALUES ($1, 1, 'marketing_messages', 'sms', $2, 1, 1)",
    [segment, N],
  );
  await ds.query('ANALYZE');
  console.log(`seeded ${N} members in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const template = await app.get(DeclareTemplate).execute({
    vendor: 'aliyun',
    signName: '示例品牌',
    templateCode: 'SMS_BENCH',
    name: 'bench',
    content: '广告 冬季会员价${offer_code} 退订${unsubscribe_link} 回T退订',
    kind: 'marketing',
  });

  const fanOut = async (label: string, during?: (runId: string) => Promise<void>) => {
    const campaigns = app.get(CampaignRepository);
    const runs = app.get(RunRepository);
    const c = await campaigns.create(ds.manager, {
      brandId: 'demo',
      name: label,
      segmentId: segment,
      purpose: 'marketing_messages',
      channel: 'sms',
      templateId: template.id,
      message: null,
      variants: [{ name: 'A', variables: { offer_code: 'WINTER8' } }],
      schedule: { kind: 'now' },
      caps: {},
      quietHours: null,
      createdBy: 'bench',
    });
    // The fake keeps every message and its QuerySendDetails (the runner's report pull) scans them
    // all, in this process: emptied per fan-out so one round's pulls do not slow the next.
    await fake.ask('clear');
    const before = 0;
    await statements?.reset();
    const cpu0 = cpuNow();
    const started = Date.now();
    const startedPerf = performance.now();
    Object.assign(phases, { firstAdmit: 0, lastDispatched: 0, answers: {} });
    const run = await runs.create(ds.manager, c.id, segment, 1, 'bench');
    const side = during?.(run.id);
    for (;;) {
      const r = await runs.find(ds.manager, run.id);
      if (r!.state === 'done' || r!.state === 'paused') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const seconds = (Date.now() - started) / 1000;
    const endedPerf = performance.now();
    const cpu1 = cpuNow();
    const statementTimes = (await statements?.read()) ?? [];
    await side;
    const sent = (await fake.ask<number>('count')) - before;
    // CPU µs per message from run creation to done: this process (runner, gate client, SDK), the
    // PostgreSQL server, the fake vendor's process.
    const perMessage = (k: keyof Cpu) => ((cpu1[k] - cpu0[k]) * 1e6) / Math.max(1, sent);
    const cpu: Cpu = {
      node: perMessage('node'),
      postgres: perMessage('postgres'),
      vendor: perMessage('vendor'),
    };
    const results = await runs.results(ds.manager, run.id);
    const per = (ms: number, n: number) => (n ? (ms / n).toFixed(0) : '-');
    console.log(
      `  per chunk of ${CHUNK}: gate transaction ${per(spans.admit, spans.admitted)} ms, vendor + outcome ` +
        `${per(spans.dispatch, spans.dispatched)} ms, wall ${per(seconds * 1000, spans.dispatched)} ms; ` +
        `sends gated again after a missed dispatch deadline: ${spans.missedDeadline}`,
    );
    console.log(
      `  phases: run created → first gate ${(phases.firstAdmit - startedPerf).toFixed(0)} ms, ` +
        `chunks ${(phases.lastDispatched - phases.firstAdmit).toFixed(0)} ms, last vendor answer → done ` +
        `${(endedPerf - phases.lastDispatched).toFixed(0)} ms; gate answers ${JSON.stringify(phases.answers)}`,
    );
    console.log(
      `  CPU per message: node ${cpu.node.toFixed(1)} µs, PostgreSQL ${cpu.postgres.toFixed(1)} µs, ` +
        `fake vendor ${cpu.vendor.toFixed(1)} µs, total ${(cpu.node + cpu.postgres + cpu.vendor).toFixed(1)} µs`,
    );
    Object.assign(spans, { admit: 0, admitted: 0, dispatch: 0, dispatched: 0, missedDeadline: 0 });
    console.log(
      `${label}: ${sent} messages at the fake Aliyun in ${seconds.toFixed(1)} s = ${(sent / seconds).toFixed(0)} msg/s ` +
        `(blocked ${JSON.stringify(results.blocked)}, failed ${JSON.stringify(results.failed)})`,
    );
    return { sent, seconds, rate: sent / seconds, runId: run.id, cpu, statementTimes };
  };

  // Alternating configurations, ROUNDS each (default 3), so warm-up (JIT, PostgreSQL cache) and the
  // machine's load swings favour no side; medians, not means, so one round hit by a neighbour's burst
  // does not decide. CONFIGS picks them (default "off,on"):
  //   off         the gate switched off (the baseline): claim a chunk, no check at all
  //   on          the real gate, pipelined (the next chunk gated while this one is at the vendor)
  //   serial      the real gate, one chunk at a time (the design before pipelining)
  //   off-nocount the gate off and the send-counter trigger disabled: what keeping the caps' counter
  //               costs every fan-out, gated or not
  const configs = (process.env.CONFIGS ?? 'off,on').split(',') as ('off' | 'on' | 'serial' | 'off-nocount')[];
  const rates = new Map<string, number[]>(configs.map((c) => [c, []]));
  const cpuPerMessage = new Map<string, Cpu[]>(configs.map((c) => [c, []]));
  const statementSums = new Map<
    string,
    { config: string; query: string; toplevel: boolean; ms: number; calls: number; rows: number }
  >();
  const loads: number[] = [];
  let on = { seconds: 0 };
  const restart = async (sendGate: OutreachModuleOptions['sendGate'], pipelined = true) => {
    await app.close();
    app = await start(sendGate, pipelined);
    ds = app.get<DataSource>(OUTREACH_DB);
  };
  const setCounter = (enabled: boolean) =>
    ds.query(`ALTER TABLE sends ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
  // Every counted round starts from the same database: the members, their consent and contact
  // points, one earlier campaign's sends as history (so the cap check reads a counter row with one
  // reached send in the window for every member, as after a real campaign). Without this each round added
  // 100,000 sends and one counter entry per member for the next round to carry, and both
  // configurations slowed round by round (100k, 5 rounds each, quiet machine: 8,954 → 4,570 msg/s),
  // a drift larger than the effect measured. The warm-up fan-out (not counted) is that history and
  // warms the caches; every counted round's sends are removed after it.
  // A CHECKPOINT ends the reset: after it every page's first write logs a full page image again,
  // in every round alike (without it a round that happened to follow a timed checkpoint paid for
  // them and the next did not: 9.2–23.6 s for the same fan-out in one run).
  // The whole database is vacuumed: a fan-out also rewrites each member's short unsubscribe link
  // (one per member, extended by every message) and its counter row, and the dead rows they leave
  // would slow the next round's upserts.
  const reset = async (runId: string | null) => {
    if (runId) await ds.query('DELETE FROM sends WHERE run_id = $1', [runId]);
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('VACUUM (ANALYZE)');
    await admin.query('CHECKPOINT');
    await admin.end();
  };
  if (ROUNDS > 0) {
    await restart('off-for-benchmark');
    await fanOut('warm-up and history, gate off (not counted)');
    await reset(null);
  }
  for (let round = 1; round <= ROUNDS; round++) {
    // Odd rounds start with the first configuration, even rounds with the last: ABBA order.
    const order = round % 2 ? configs : [...configs].reverse();
    for (const config of order) {
      await restart(
        config === 'on' ? 'on' : config === 'serial' ? 'on' : 'off-for-benchmark',
        config !== 'serial',
      );
      if (config === 'off-nocount') await setCounter(false);
      const load = loadavg()[0];
      loads.push(load);
      const r = await fanOut(`round ${round} ${config.padEnd(11)} (load ${load.toFixed(1)})`);
      if (config === 'off-nocount') await setCounter(true);
      await reset(r.runId);
      rates.get(config)!.push(r.rate);
      cpuPerMessage.get(config)!.push(r.cpu);
      for (const t of r.statementTimes) {
        const key = `${config}\u0000${t.query}`;
        const sum = statementSums.get(key) ?? {
          config,
          query: t.query,
          toplevel: t.toplevel,
          ms: 0,
          calls: 0,
          rows: 0,
        };
        sum.ms += t.ms;
        sum.calls += t.calls;
        sum.rows += t.rows;
        statementSums.set(key, sum);
      }
      if (config === 'on') on = r;
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const med = (c: string) => (rates.get(c)?.length ? median(rates.get(c)!) : NaN);
  const offRate = med('off');
  const onRate = med('on');
  const overhead = (1 - onRate / offRate) * 100;
  // Per-round pairs (each ON against the OFF next to it) show how far the noise reaches.
  const pairs = (rates.get('on') ?? []).map((r, i) => (1 - r / (rates.get('off') ?? [])[i]) * 100);
  console.log(
    `medians of ${ROUNDS} rounds, ${N} recipients, chunk ${CHUNK}: ` +
      configs.map((c) => `${c} ${med(c).toFixed(0)} msg/s`).join(', ') +
      `
gate overhead ${overhead.toFixed(1)}% (median ON vs median OFF; per round ${pairs.map((p) => `${p.toFixed(1)}%`).join(', ')})` +
      `
load average (1 min) during the rounds: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` +
      ` on ${cpus().length} cores (targets: ≥ 2,000 msg/s gated, overhead ≤ 5%)`,
  );
  // The same comparison in CPU: on a saturated machine the rate follows the CPU each message costs,
  // and CPU time does not swing with which process the scheduler happened to favour.
  const cpuMed = (c: string, k: keyof Cpu | 'total') =>
    median((cpuPerMessage.get(c) ?? []).map((x) => (k === 'total' ? x.node + x.postgres + x.vendor : x[k])));
  if (ROUNDS > 0) {
    for (const c of configs)
      console.log(
        `CPU per message, ${c} (median): node ${cpuMed(c, 'node').toFixed(1)} µs, PostgreSQL ` +
          `${cpuMed(c, 'postgres').toFixed(1)} µs, fake vendor ${cpuMed(c, 'vendor').toFixed(1)} µs, total ` +
          `${cpuMed(c, 'total').toFixed(1)} µs`,
      );
    if (statements) {
      // Per configuration, PostgreSQL's execution time per message (all rounds), statement by
      // statement: top-level statements (what the service sends) and, indented, statements run
      // inside them (triggers, functions), which their caller's time already includes.
      const messages = ROUNDS * N;
      for (const c of configs) {
        const rows = [...statementSums.values()].filter((x) => x.config === c).sort((a, b) => b.ms - a.ms);
        const top = rows.filter((x) => x.toplevel).reduce((a, x) => a + x.ms, 0);
        console.log(
          `PostgreSQL statements, ${c}: ${((top * 1e3) / messages).toFixed(1)} µs of execution per message at top level`,
        );
        for (const x of rows.slice(0, 14))
          console.log(
            `  ${x.toplevel ? '' : '  (nested) '}${((x.ms * 1e3) / messages).toFixed(2).padStart(6)} µs/message, ` +
              `${String(Math.round(x.calls / ROUNDS)).padStart(6)} calls/round, ${String(Math.round(x.rows / ROUNDS)).padStart(7)} rows/round: ` +
              x.query.replace(/\s+/g, ' ').slice(0, 110),
          );
      }
    }
    if (configs.includes('on') && configs.includes('off'))
      console.log(
        `gate CPU overhead ${((cpuMed('on', 'total') / cpuMed('off', 'total') - 1) * 100).toFixed(1)}% ` +
          `(median total CPU per message, ON vs OFF; PostgreSQL alone ` +
          `${((cpuMed('on', 'postgres') / cpuMed('off', 'postgres') - 1) * 100).toFixed(1)}%)`,
      );
  }

  // EXPLAIN=1: the gate's statement for one chunk of a freshly planned run, EXPLAIN (ANALYZE,
  // BUFFERS) in a rolled-back transaction, after the rounds (each removed its sends; the warm-up's
  // stay as history: one reached send per member in its counter row).
  if (process.env.EXPLAIN === '1') {
    await app.get(CampaignRunner).stop();
    const c = await app.get(CampaignRepository).create(ds.manager, {
      brandId: 'demo',
      name: 'explain',
      segmentId: segment,
      purpose: 'marketing_messages',
      channel: 'sms',
      templateId: template.id,
      message: null,
      variants: [{ name: 'A', variables: { offer_code: 'WINTER8' } }],
      schedule: { kind: 'now' },
      caps: {},
      quietHours: null,
      createdBy: 'bench',
    });
    const run = await app.get(RunRepository).create(ds.manager, c.id, segment, 1, 'bench');
    await ds.transaction(async (tx) => {
      await app.get(SendRepository).plan(tx, {
        runId: run.id,
        campaignId: c.id,
        segmentId: segment,
        segmentVersion: 1,
        purpose: 'marketing_messages',
        channel: 'sms',
        variants: 1,
        recurring: false,
        maxRecipients: null,
        parts: 1,
        clearance: app.get(SendGate).clearanceFor('marketing_messages', 'sms'),
      });
      await app.get(RunRepository).markPlanned(tx, run.id);
    });
    // History as production has it: old sends are vacuumed (all-visible), so an index-only probe works.
    await ds.query('VACUUM ANALYZE sends');
    await consent.watermark();
    const projection = app.get(ConsentProjectionRepository);
    // Per part: each CTE's node in the plan carries its own time. The ungated claim is the
    // baseline's statement; the difference is what the gate adds inside the database.
    // The last variants change the indexes of `sends` inside the rolled-back transaction: the
    // candidate cheap wins, against the same chunk in the same run.
    const claimInOrder =
      "CREATE INDEX sends_due_in_order ON sends (run_id, not_before, send_id) WHERE state = 'planned'";
    const noRecentIndex = 'DROP INDEX sends_recent_per_member';
    // The claim's plan flips to a bitmap scan + sort of every planned send of the run when the
    // planner underestimates them (run id and state are correlated): without explicit sorts it has
    // to walk sends_due in order and stop after the chunk.
    const noSort = 'SET LOCAL enable_sort = off';
    const variants: {
      label: string;
      quietHours: { start: string; end: string } | null;
      gate: 'on' | 'off';
      ddl?: string[];
    }[] = [
      { label: 'gate on, no quiet hours', quietHours: null, gate: 'on' },
      {
        label: 'gate on, all-day quiet-hours window',
        quietHours: { start: '00:00', end: '24:00' },
        gate: 'on',
      },
      { label: 'gate off (the ungated claim)', quietHours: null, gate: 'off' },
      { label: 'gate on, no quiet hours, again', quietHours: null, gate: 'on' },
      { label: 'gate on, claim index in send order', quietHours: null, gate: 'on', ddl: [claimInOrder] },
      { label: 'gate off, claim index in send order', quietHours: null, gate: 'off', ddl: [claimInOrder] },
      {
        label: 'gate on, no explicit sort (claim by the index order)',
        quietHours: null,
        gate: 'on',
        ddl: [noSort],
      },
      {
        label: 'gate off, no explicit sort (claim by the index order)',
        quietHours: null,
        gate: 'off',
        ddl: [noSort],
      },
      {
        label: 'gate on, claim index in send order, without sends_recent_per_member',
        quietHours: null,
        gate: 'on',
        ddl: [claimInOrder, noRecentIndex],
      },
    ];
    for (const { label, quietHours, gate, ddl } of variants) {
      const plan = await ds
        .transaction(async (tx) => {
          for (const statement of ddl ?? []) await tx.query(statement);
          if (ddl?.some((d) => !d.startsWith('SET'))) await tx.query('ANALYZE sends');
          const text = await projection.explainAdmitChunk(
            tx,
            {
              runId: run.id,
              purpose: 'marketing_messages',
              channel: 'sms',
              limit: CHUNK,
              partitions: PARTITIONS,
              freshnessBoundMs: 60_000,
              cap: { max: 100, days: 30 },
              quietHours,
              defaultTimeZone: 'Asia/Shanghai',
              suppressionSources: OUTREACH_SUPPRESSION_SOURCES,
            },
            gate,
          );
          throw Object.assign(new Error('rollback'), { text });
        })
        .catch((e: Error & { text?: string }) => e.text ?? e.message);
      console.log(`EXPLAIN ANALYZE gate statement, chunk ${CHUNK}, ${label}:\n${plan}`);
    }
    await app.close();
    clearInterval(heartbeat);
    await fake.ask('close').catch(() => undefined);
    await statements?.close();
    await pg.stop();
    process.exit(0);
  }

  // The race: WITHDRAWALS withdrawals (unsubscribe links and SMS replies) arrive while a gated,
  // pipelined fan-out sends. Targets are members still planned, half of them in the next chunks the
  // gate is about to claim (the adversarial case), half anywhere; each withdrawal is stamped at its
  // consent "commit" and again once outreach's consumer has committed it to the projection.
  const withdrawn = new Map<string, { committedAt: number; appliedAt: number; phone: string }>();
  const phoneByRef = new Map<string, string>(refs.map((r, i) => [r, phoneOf(i)]));
  if (ROUNDS === 0) await restart('on');
  const expectedSeconds = on.seconds || N / 1000;
  const race = await fanOut('gate ON pipelined, with withdrawals', async (runId) => {
    // Spread over ~60% of a gated fan-out's duration, in batches of 10 fired without waiting for
    // the previous batch to be applied (withdrawals do not queue behind each other's effects).
    const batches = Math.ceil(WITHDRAWALS / 10);
    const pace = Math.max(1, Math.floor(((expectedSeconds * 1000) / batches) * 0.6));
    const inFlight: Promise<void>[] = [];
    for (let b = 0; withdrawn.size < WITHDRAWALS && b < batches * 3; b++) {
      const picked: { subject_ref: string }[] = await ds.query(
        `(SELECT subject_ref FROM sends WHERE run_id = $1 AND state = 'planned'
           ORDER BY not_before, send_id OFFSET $2 LIMIT 8)
         UNION ALL
         (SELECT subject_ref FROM sends WHERE run_id = $1 AND state = 'planned' ORDER BY random() LIMIT 8)`,
        [runId, Math.floor(Math.random() * 2 * CHUNK)],
      );
      for (const [k, { subject_ref: ref }] of picked.entries()) {
        if (withdrawn.has(ref) || withdrawn.size >= WITHDRAWALS) continue;
        withdrawn.set(ref, { committedAt: NaN, appliedAt: NaN, phone: phoneByRef.get(ref)! });
        inFlight.push(
          consent.withdraw(ref, k % 2 ? 'sms_reply' : 'unsubscribe_link').then((committedAt) => {
            withdrawn.set(ref, { committedAt, appliedAt: Date.now(), phone: phoneByRef.get(ref)! });
          }),
        );
      }
      await new Promise((r) => setTimeout(r, pace));
    }
    await Promise.all(inFlight);
  });
  const byPhone = new Map<string, Date>();
  for (const m of await fake.messages()) byPhone.set(m.phone, new Date(m.sentAt));
  const admissions: { subject_ref: string; state: string; at: Date | null }[] = await ds.query(
    'SELECT subject_ref, state, dispatched_at AS at FROM sends WHERE run_id = $1 AND subject_ref = ANY ($2::uuid[])',
    [race.runId, [...withdrawn.keys()]],
  );
  let admittedAfterApplied = 0;
  for (const a of admissions)
    if (a.at && a.state !== 'blocked' && a.at.getTime() > withdrawn.get(a.subject_ref)!.appliedAt)
      admittedAfterApplied++;
  let late = 0;
  let worst = -Infinity;
  let afterCommit = 0;
  let honoured = 0;
  const applyLag: number[] = [];
  for (const { committedAt, appliedAt, phone } of withdrawn.values()) {
    applyLag.push(appliedAt - committedAt);
    const sentAt = byPhone.get(phone);
    if (!sentAt) {
      honoured++;
      continue;
    }
    const lag = sentAt.getTime() - committedAt;
    if (lag > 0) afterCommit++;
    worst = Math.max(worst, lag);
    if (lag > 1000) late++;
  }
  applyLag.sort((a, b) => a - b);
  console.log(
    `race: ${withdrawn.size} withdrawals while sending; ${honoured} members never messaged (withdrawal honoured), ` +
      `${withdrawn.size - honoured} messaged before or as it landed.\n` +
      `  admitted by a gate snapshot taken after outreach had applied the withdrawal: ${admittedAfterApplied} (must be 0)\n` +
      `  reached the vendor after consent's commit: ${afterCommit}; later than commit + 1 s: ${late} (must be 0); ` +
      `worst lag ${worst === -Infinity ? 'n/a' : `${worst} ms`}\n` +
      `  commit → applied in outreach: median ${applyLag[Math.floor(applyLag.length / 2)]} ms, max ${applyLag.at(-1)} ms`,
  );
  // Same run, same members: what the racing withdrawals cost the fan-out.
  console.log(
    `race throughput: ${race.rate.toFixed(0)} msg/s with ${withdrawn.size} withdrawals vs gate ON ` +
      `${onRate.toFixed(0)} msg/s and gate OFF ${offRate.toFixed(0)} msg/s without ` +
      `(${((race.rate / offRate) * 100).toFixed(0)}% of the baseline)`,
  );

  clearInterval(heartbeat);
  await app.close();
  await fake.ask('close').catch(() => undefined);
  await statements?.close();
  await pg.stop();
  process.exit(0);
}

/** pg_stat_statements of the bench's database, read and reset through the admin connection. */
class StatementStats {
  private constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {}

  static async open(adminUrl: string): Promise<StatementStats> {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return new StatementStats(client, new URL(adminUrl).pathname.slice(1));
  }

  async reset(): Promise<void> {
    await this.client.query('SELECT pg_stat_statements_reset()');
  }

  close(): Promise<void> {
    return this.client.end();
  }

  async read(): Promise<{ query: string; toplevel: boolean; ms: number; calls: number; rows: number }[]> {
    const { rows } = await this.client.query(
      `SELECT s.query, s.toplevel, s.total_exec_time::float8 AS ms, s.calls::int AS calls, s.rows::float8 AS rows
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = $1`,
      [this.database],
    );
    return rows;
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
