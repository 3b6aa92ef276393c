import { type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { signTopRequest } from '../../libs/crypto/src';
import { freePort } from '../../libs/persistence/src';
import { RemoteFakeAliyun } from '../outreach/remote-fake-aliyun';
import { prepareSeparateServices, spawnService } from '../services/separate-services';
import type { ChaosInfrastructure } from './chaos-infra';

/**
 * One chaos run (issue 14 §1): orders, consent, audience and outreach as separate processes (the
 * containers' command, `node dist/services/<name>/src/main.js`) over the runner's own PostgreSQL and
 * Kafka broker; mixed traffic — order-export imports, signed platform order pushes, membership joins
 * (consent grants) and leaves (withdrawals), and a campaign fan-out to a fake Aliyun SMS server that
 * races withdrawals — while a driver SIGKILLs a random service, restarts the Kafka broker, or restarts
 * PostgreSQL; then a sequence oracle reads the databases and the vendor's log.
 */
export const CHAOS_SERVICES = ['consent', 'orders', 'audience', 'outreach'] as const;
type ServiceName = (typeof CHAOS_SERVICES)[number];
export const FAULT_KINDS = ['kill', 'kafka', 'postgres'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ChaosOptions {
  root: string;
  infra: ChaosInfrastructure;
  /** How long new faults may start (the traffic may outlast it while services recover). */
  trafficMs: number;
  members: number;
  imports: number;
  rowsPerImport: number;
  pushes: number;
  /** Members who join before the campaign; half of them leave while it fans out. */
  campaignMembers: number;
  /** Faults to inject first, in this order (CI injects one of each kind); random ones follow. */
  faultPlan?: FaultKind[];
  log?: (line: string) => void;
}

export interface ChaosReport {
  faults: Record<string, number>;
  /** Fault injected → every service ready again, per fault kind. */
  recoveryMs: Record<FaultKind, number[]>;
  /**
   * The restarted dependency answering again (broker port open, database started; for a SIGKILL the
   * victim started) → every service ready: what the services themselves take, without the JVM's or
   * PostgreSQL's own start-up.
   */
  afterBackMs: Record<FaultKind, number[]>;
  /** Services that exited by themselves (restarted as docker-compose's restart policy would). */
  selfExits: Record<string, number>;
  violations: string[];
  acknowledged: { importRows: number; pushes: number; joins: number; leaves: number };
  campaign: {
    cohort: number;
    left: number;
    sent: number;
    sentToLeaver: number;
    /**
     * The latest a message to a leaver reached the vendor, in ms after the withdrawal's commit
     * (negative: before it); null when no leaver was messaged. The bound is FRESHNESS_BOUND_MS.
     */
    worstLeaverLagMs: number | null;
    /** Runs paused for a stale consent projection and resumed (as a marketer would). */
    resumes: number;
    blocked: Record<string, number>;
  };
  retries: number;
  /** From the end of traffic until every outbox was relayed and every consumer had applied every event. */
  drainMs?: number;
  /** Where a run's wall time went: setup, services' start, traffic and faults, drain, oracle (ms). */
  phasesMs: Record<string, number>;
}

interface Running {
  name: ServiceName;
  child: ChildProcess;
  err: string[];
}

const SHOP = 'chaos-shop';
/** Every service process a run started, so an interrupted runner can stop them (stopAllServices). */
const spawned = new Set<ChildProcess>();

/** Set once the runner is interrupted: no service is (re)started after that. */
let shuttingDown = false;

export function stopAllServices(): void {
  shuttingDown = true;
  for (const child of spawned)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
/** outreach's default freshness bound (ARCHITECTURE §2 invariant 4). */
const FRESHNESS_BOUND_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const runBegan = Date.now();
  const log = o.log ?? (() => {});
  const membershipSecret = randomBytes(24).toString('base64');
  const pushSecret = randomBytes(24).toString('base64');
  // The vendor in a process of its own, as the real one is remote: its receive times are not held
  // up by this runner's traffic driver sharing its event loop (a starved runner delayed one by
  // ~0.8 s in an earlier long run, which the oracle then counted against outreach).
  const vendor = await RemoteFakeAliyun.start(join(o.root, 'dist', 'bench', 'outreach'), {
    accessKeyId: 'chaos-key',
    accessKeySecret: 'chaos-secret',
    templates: [
      {
        templateCode: 'SMS_CHAOS',
        templateName: 'chaos',
        content: '广告 冬季会员价${discount} 退订${unsubscribe_link} 回T退订',
        type: 2,
      },
    ],
  });
  const setup = await prepareSeparateServices({
    adminUrl: o.infra.adminUrl,
    brokers: o.infra.brokers,
    name: 'chaos',
    brandId: 'chaos',
    env: {
      MEMBERSHIP_WEBHOOK_SECRETS: `${SHOP}:${membershipSecret}`,
      MEMBERSHIP_AGREEMENTS: JSON.stringify({
        [SHOP]: { '3': { purposes: ['marketing_messages'], channels: ['sms'] } },
      }),
      ORDER_PUSH_SECRETS: `${SHOP}:${pushSecret}`,
      ALIYUN_SMS_ACCESS_KEY_ID: 'chaos-key',
      ALIYUN_SMS_ACCESS_KEY_SECRET: 'chaos-secret',
      ALIYUN_SMS_ENDPOINT: `http://${vendor.endpoint}`,
    },
  });
  const { databaseUrl, env } = setup;
  const ops = await setup.token('ops');
  const marketer = await setup.token('marketer');

  const running = new Map<ServiceName, Running>();
  const ports = new Map<ServiceName, number>();
  /** Services the driver or the supervisor is (re)starting right now. */
  const restarting = new Set<ServiceName>();
  for (const name of CHAOS_SERVICES) ports.set(name, await freePort());
  const url = (name: ServiceName, path: string) => `http://127.0.0.1:${ports.get(name)}${path}`;
  const ready = async (name: ServiceName) =>
    (await fetch(url(name, '/api/v1/health/ready')).catch(() => null))?.status === 200;
  const start = async (name: ServiceName): Promise<number> => {
    const began = Date.now();
    for (let attempt = 1; ; attempt++) {
      if (shuttingDown) throw new Error(`${name} not started: the runner is stopping`);
      const { child, err } = spawnService(o.root, name, env, ports.get(name)!);
      spawned.add(child);
      child.once('exit', () => spawned.delete(child));
      running.set(name, { name, child, err });
      // A live process is never killed for being slow: outreach is ready only once it has caught up
      // with consent's heartbeats, which takes minutes on a loaded machine, and a restart loses that.
      const deadline = Date.now() + 900_000;
      while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
        if (await ready(name)) return Date.now() - began;
        await sleep(100);
      }
      // docker-compose restarts a service that exits at start (the kafkajs metadata race, runbook).
      if (attempt >= 5 || Date.now() >= deadline)
        throw new Error(`${name} did not become ready: ${err.join('').slice(-500)}`);
      child.kill('SIGKILL');
    }
  };
  const allReady = async (since: number): Promise<number> => {
    const deadline = Date.now() + 900_000;
    for (;;) {
      const states = await Promise.all(
        CHAOS_SERVICES.map(async (n) => !restarting.has(n) && (await ready(n))),
      );
      if (states.every(Boolean)) return Date.now() - since;
      if (Date.now() > deadline) throw new Error('services not ready 900 s after a fault');
      await sleep(200);
    }
  };

  const report: ChaosReport = {
    faults: {},
    recoveryMs: { kill: [], kafka: [], postgres: [] },
    afterBackMs: { kill: [], kafka: [], postgres: [] },
    selfExits: {},
    violations: [],
    acknowledged: { importRows: 0, pushes: 0, joins: 0, leaves: 0 },
    campaign: {
      cohort: 0,
      left: 0,
      sent: 0,
      sentToLeaver: 0,
      worstLeaverLagMs: null,
      resumes: 0,
      blocked: {},
    },
    retries: 0,
    phasesMs: {},
  };
  let phaseBegan = runBegan;
  const phase = (name: string) => {
    report.phasesMs[name] = Date.now() - phaseBegan;
    phaseBegan = Date.now();
    log(`${name}: ${report.phasesMs[name]} ms`);
  };
  phase('setup (database, topics, vendor)');
  // docker-compose's `restart: unless-stopped`: a service that exits by itself is started again.
  let supervising = true;
  const supervisorErrors: string[] = [];
  const supervisor = (async () => {
    while (supervising && !shuttingDown) {
      for (const [name, r] of running) {
        if (restarting.has(name) || (r.child.exitCode === null && r.child.signalCode === null)) continue;
        restarting.add(name);
        report.selfExits[name] = (report.selfExits[name] ?? 0) + 1;
        log(`${name} exited by itself: ${r.err.join('').slice(-300)}`);
        start(name)
          .catch((e: Error) => void supervisorErrors.push(e.message))
          .finally(() => restarting.delete(name));
      }
      await sleep(250);
    }
  })();

  try {
    return await driveAndCheck();
  } finally {
    supervising = false;
    await supervisor;
    await Promise.all(
      [...running.values()].map(
        (r) =>
          new Promise<void>((done) => {
            if (r.child.exitCode !== null || r.child.signalCode !== null) return done();
            r.child.once('exit', () => done());
            r.child.kill('SIGKILL');
          }),
      ),
    );
    await vendor.close();
  }

  async function driveAndCheck(): Promise<ChaosReport> {
    // All four at once (as docker-compose starts them): a run's start is the slowest service's.
    await Promise.all(
      CHAOS_SERVICES.map(async (name) => {
        restarting.add(name);
        await start(name);
        restarting.delete(name);
      }),
    );
    phase('start services');
    log(`services ready on ${[...ports].map(([n, p]) => `${n}:${p}`).join(' ')}`);

    // --- traffic: each request is retried with the same content until acknowledged (idempotent).
    const untilAcknowledged = async (what: string, call: () => Promise<Response>): Promise<Response> => {
      let last = '';
      const deadline = Date.now() + 400_000;
      while (Date.now() < deadline) {
        const res = await call().catch((e: Error) => {
          last = e.message;
          return null;
        });
        if (res && res.status < 500) return res;
        if (res) last = `${res.status} ${await res.text()}`;
        report.retries++;
        await sleep(100);
      }
      const stderr = [...running.values()].map((r) => `${r.name}: ${r.err.join('').slice(-400)}`).join(' | ');
      throw new Error(`${what} never acknowledged (last: ${last}); ${stderr}`);
    };
    /** Polls until `check` returns a value; errors (a service or the database restarting) are waited out. */
    const eventually = async <T>(what: string, check: () => Promise<T | null | undefined>): Promise<T> => {
      const deadline = Date.now() + 400_000;
      while (Date.now() < deadline) {
        const value = await check().catch(() => null);
        if (value !== null && value !== undefined) return value;
        await sleep(250);
      }
      throw new Error(`${what}: not reached within 400 s`);
    };
    const db = async <T = any>(sql: string, params: unknown[] = []): Promise<T[]> => {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows as T[];
      } finally {
        await c.end();
      }
    };
    const json = async (res: Response) => (await res.json()) as Record<string, any>;

    const orderIds: string[] = [];
    const importTraffic = async () => {
      for (let i = 0; i < o.imports; i++) {
        const ids = Array.from(
          { length: o.rowsPerImport },
          () => `30${randomBytes(8).readBigUInt64BE() % 10n ** 16n}`,
        );
        const res = await untilAcknowledged('import', () =>
          fetch(url('orders', `/api/v1/orders/imports?platform=tmall&shop=${SHOP}`), {
            method: 'POST',
            headers: { Authorization: ops, 'Content-Type': 'text/csv' },
            body: tmallExport(ids),
          }),
        );
        if (res.status !== 201) throw new Error(`import refused: ${res.status} ${await res.text()}`);
        orderIds.push(...ids);
        report.acknowledged.importRows += ids.length;
      }
    };

    // Platform order pushes (Tmall TMC): a retry re-signs with a fresh nonce, as a platform re-sends.
    const pushedIds: string[] = [];
    const pushTraffic = async () => {
      for (let i = 0; i < o.pushes; i++) {
        const tid = `40${randomBytes(8).readBigUInt64BE() % 10n ** 17n}`;
        const raw = JSON.stringify(tmcPush(`chaos-${randomBytes(6).toString('hex')}`, tid));
        const res = await untilAcknowledged('push', () => {
          const query: Record<string, string> = {
            shop_id: SHOP,
            timestamp: String(Math.floor(Date.now() / 1000)),
            nonce: randomBytes(12).toString('hex'),
            sign_method: 'hmac-sha256',
          };
          query.sign = signTopRequest(query, raw, pushSecret);
          return fetch(url('orders', `/webhooks/orders/tmall?${new URLSearchParams(query)}`), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: raw,
          });
        });
        if (res.status !== 200) throw new Error(`push refused: ${res.status} ${await res.text()}`);
        pushedIds.push(tid);
        report.acknowledged.pushes++;
      }
    };

    interface Member {
      omid: string;
      phone: string;
      join: string;
      leave?: string;
    }
    const members: Member[] = [];
    let phoneSeq = 0;
    const membershipCall = (action: 'bind' | 'unbind', body: Record<string, unknown>) => {
      const raw = JSON.stringify(body);
      const query: Record<string, string> = {
        shop_id: SHOP,
        timestamp: String(Math.floor(Date.now() / 1000)),
        nonce: randomBytes(12).toString('hex'),
        sign_method: 'hmac-sha256',
      };
      query.sign = signTopRequest(query, raw, membershipSecret);
      return fetch(url('consent', `/webhooks/membership/tmall/${action}?${new URLSearchParams(query)}`), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: raw,
      });
    };
    const join = async (): Promise<Member> => {
      const m: Member = {
        omid: `omid_${randomBytes(8).toString('hex')}`,
        phone: `139${String(10_000_000 + phoneSeq++).slice(-8)}`,
        join: randomUUID(),
      };
      const body = {
        request_id: m.join,
        omid: m.omid,
        agreement_version: '3',
        mobile: m.phone,
        join_time: Math.floor(Date.now() / 1000),
      };
      const res = await untilAcknowledged('join', () => membershipCall('bind', body));
      if (res.status !== 200) throw new Error(`join refused: ${res.status} ${await res.text()}`);
      members.push(m);
      report.acknowledged.joins++;
      return m;
    };
    const leave = async (m: Member) => {
      m.leave = `unbind-${m.join}`;
      const left = await untilAcknowledged('leave', () =>
        membershipCall('unbind', { request_id: m.leave, omid: m.omid }),
      );
      if (left.status !== 200) throw new Error(`leave refused: ${left.status} ${await left.text()}`);
      report.acknowledged.leaves++;
    };
    const consentTraffic = async () => {
      for (let i = 0; i < o.members; i++) {
        const m = await join();
        // Every other member leaves again: a withdrawal right behind its grant.
        if (i % 2 === 1) await leave(m);
      }
    };

    // A campaign fan-out to the cohort, with half the cohort withdrawing while it runs.
    const cohort: Member[] = [];
    let runId = '';
    const campaignTraffic = async () => {
      for (let i = 0; i < o.campaignMembers; i++) cohort.push(await join());
      report.campaign.cohort = cohort.length;
      log(`campaign: cohort joined at +${Date.now() - runBegan} ms`);
      const segment = await json(
        await untilAcknowledged('segment', () =>
          fetch(url('audience', '/api/v1/audience/segments'), {
            method: 'POST',
            headers: { Authorization: marketer, 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: 'chaos cohort', purpose: 'marketing_messages', channel: 'sms' }),
          }),
        ),
      );
      // Every cohort member (and the consent traffic's stayers so far) counted by audience.
      await eventually('segment counts the cohort', async () => {
        const res = await fetch(url('audience', `/api/v1/audience/segments/${segment.id}`), {
          headers: { Authorization: marketer },
        });
        const body = await json(res);
        const [row] = await db<{ n: string }>(
          `SELECT count(*) AS n FROM audience.members m WHERE m.subject_ref IN (
             SELECT subject_ref FROM consent.ledger WHERE evidence->>'requestId' = ANY($1))`,
          [cohort.map((m) => m.join)],
        );
        return Number(row.n) === cohort.length && body.count >= cohort.length ? true : null;
      });
      const materialized = await untilAcknowledged('materialize', () =>
        fetch(url('audience', `/api/v1/audience/segments/${segment.id}/materialize`), {
          method: 'POST',
          headers: { Authorization: marketer },
        }),
      );
      if (materialized.status !== 201) throw new Error(`materialize refused: ${materialized.status}`);
      await eventually('segment version in outreach', async () =>
        (
          await db(
            'SELECT 1 FROM outreach.segment_versions WHERE segment_id = $1 AND parts_received >= parts',
            [segment.id],
          )
        ).length > 0
          ? true
          : null,
      );
      const template = await json(
        await untilAcknowledged('template', () =>
          fetch(url('outreach', '/api/v1/outreach/templates'), {
            method: 'POST',
            headers: { Authorization: marketer, 'Content-Type': 'application/json' },
            body: JSON.stringify({
              vendor: 'aliyun',
              signName: '示例品牌',
              templateCode: 'SMS_CHAOS',
              name: 'chaos',
              content: '广告 冬季会员价${discount} 退订${unsubscribe_link} 回T退订',
              kind: 'marketing',
            }),
          }),
        ),
      );
      if (!template.id) throw new Error(`template refused: ${JSON.stringify(template)}`);
      const campaign = await json(
        await untilAcknowledged('campaign', () =>
          fetch(url('outreach', '/api/v1/outreach/campaigns'), {
            method: 'POST',
            headers: { Authorization: marketer, 'Content-Type': 'application/json' },
            body: JSON.stringify({
              name: 'chaos',
              segmentId: segment.id,
              purpose: 'marketing_messages',
              channel: 'sms',
              templateId: template.id,
              variants: [{ name: 'A', variables: { discount: '8折' } }],
              schedule: { kind: 'now' },
              quietHours: { start: '00:00', end: '24:00' },
            }),
          }),
        ),
      );
      if (!campaign.id) throw new Error(`campaign refused: ${JSON.stringify(campaign)}`);
      // One vendor answer is lost after the vendor accepted the batch (SDK read timeout): outreach
      // must reconcile from the vendor, never resend blindly.
      await vendor.hangNextSend({ accept: true });
      const leavers = cohort.filter((_, i) => i % 2 === 0);
      report.campaign.left = leavers.length;
      const withdrawals = (async () => {
        for (const m of leavers) {
          await sleep(Math.random() * 150);
          await leave(m);
        }
      })();
      const started = await json(
        await untilAcknowledged('run', () =>
          fetch(url('outreach', `/api/v1/outreach/campaigns/${campaign.id}/runs`), {
            method: 'POST',
            headers: { Authorization: marketer },
          }),
        ),
      );
      runId = started.id;
      log(`campaign: run started at +${Date.now() - runBegan} ms`);
      await withdrawals;
      const campaignDone = eventually('campaign run done', async () => {
        const res = await fetch(url('outreach', `/api/v1/outreach/runs/${runId}`), {
          headers: { Authorization: marketer },
        });
        const run = await json(res);
        // Outreach pauses a run whose consent projection stays stale (invariant 4) and waits for the
        // marketer: the runner resumes it as a marketer would, once outreach answers again.
        if (run.state === 'paused' && run.pausedReason === 'stale_projection') {
          const resumed = await fetch(url('outreach', `/api/v1/outreach/campaigns/${campaign.id}/resume`), {
            method: 'POST',
            headers: { Authorization: marketer },
          });
          if (resumed.status === 200) report.campaign.resumes++;
        }
        return run.state === 'done' ? true : null;
      }).catch(async (e: Error) => {
        const runs = await db(
          'SELECT id, state, paused_reason, lease_owner, lease_until FROM outreach.campaign_runs',
        );
        const sends = await db('SELECT state, reason, count(*) AS n FROM outreach.sends GROUP BY 1, 2');
        throw new Error(
          `${e.message}: runs ${JSON.stringify(runs)}, sends ${JSON.stringify(sends)}, vendor calls ${await vendor.sendCalls().catch(() => '?')}`,
        );
      });
      await campaignDone;
      log(`campaign: run done at +${Date.now() - runBegan} ms`);
    };

    // --- faults: a planned sequence first, then random ones while the traffic window lasts.
    let trafficDone = false;
    const plan = [...(o.faultPlan ?? [])];
    const faults = async () => {
      const until = Date.now() + o.trafficMs;
      while (plan.length > 0 || (Date.now() < until && !trafficDone)) {
        await sleep(500 + Math.random() * 2000);
        const kind: FaultKind =
          plan.shift() ?? (['kill', 'kill', 'kafka', 'postgres'] as const)[Math.floor(Math.random() * 4)];
        const began = Date.now();
        let back = began;
        if (kind === 'kill') {
          const victim = CHAOS_SERVICES[Math.floor(Math.random() * CHAOS_SERVICES.length)];
          restarting.add(victim);
          try {
            const r = running.get(victim)!;
            if (r.child.exitCode === null && r.child.signalCode === null) {
              const exited = new Promise((resolve) => r.child.once('exit', resolve));
              r.child.kill('SIGKILL');
              await exited;
            }
            report.faults[`SIGKILL ${victim}`] = (report.faults[`SIGKILL ${victim}`] ?? 0) + 1;
            await sleep(Math.random() * 1000);
            back = Date.now();
            await start(victim);
          } finally {
            restarting.delete(victim);
          }
        } else if (kind === 'kafka') {
          report.faults['Kafka broker restart'] = (report.faults['Kafka broker restart'] ?? 0) + 1;
          await o.infra.restartKafka();
          back = Date.now();
        } else {
          report.faults['PostgreSQL restart'] = (report.faults['PostgreSQL restart'] ?? 0) + 1;
          await o.infra.restartPostgres();
          back = Date.now();
        }
        const recovery = await allReady(began);
        report.recoveryMs[kind].push(recovery);
        report.afterBackMs[kind].push(recovery - (back - began));
        log(
          `fault ${kind}: every service ready again after ${recovery} ms (${recovery - (back - began)} ms after it was back)`,
        );
      }
    };

    const traffic = Promise.all([
      importTraffic(),
      pushTraffic(),
      consentTraffic(),
      campaignTraffic(),
    ]).finally(() => (trafficDone = true));
    await Promise.all([traffic, faults()]);
    phase('traffic and faults');
    if (supervisorErrors.length)
      throw new Error(`a service did not come back: ${supervisorErrors.join(' | ')}`);

    // --- oracle, once every outbox has drained and every consumer has applied what it received.
    const q = db;
    const drainStarted = Date.now();
    const consentApplied = (schema: string) =>
      `(SELECT count(*) FROM ${schema}.inbox WHERE topic LIKE '%consent.granted%' OR topic LIKE '%consent.withdrawn%')`;
    const deadline = Date.now() + 300_000;
    let pending = { outbox: Infinity, pushes: Infinity, audience: Infinity, outreach: Infinity };
    while (Date.now() < deadline) {
      const [row] = await q<{ outbox: string; pushes: string; audience: string; outreach: string }>(
        `SELECT (SELECT count(*) FROM consent.outbox WHERE topic NOT LIKE '%watermark%')
              + (SELECT count(*) FROM orders.outbox) + (SELECT count(*) FROM audience.outbox)
              + (SELECT count(*) FROM outreach.outbox) AS outbox,
                (SELECT count(*) FROM orders.order_pushes WHERE processed_at IS NULL) AS pushes,
                (SELECT count(*) FROM consent.ledger) - ${consentApplied('audience')} AS audience,
                (SELECT count(*) FROM consent.ledger) - ${consentApplied('outreach')} AS outreach`,
      ).catch(() => [{ outbox: 'NaN', pushes: 'NaN', audience: 'NaN', outreach: 'NaN' }]);
      pending = {
        outbox: Number(row.outbox),
        pushes: Number(row.pushes),
        audience: Number(row.audience),
        outreach: Number(row.outreach),
      };
      if (Object.values(pending).every((n) => n === 0)) break;
      await sleep(250);
    }
    report.drainMs = Date.now() - drainStarted;
    phase('drain');
    const v = report.violations;
    if (pending.outbox !== 0) v.push(`outbox: ${pending.outbox} events never relayed`);
    if (pending.pushes !== 0) v.push(`pushes: ${pending.pushes} acknowledged pushes never processed`);
    for (const consumer of ['audience', 'outreach'] as const)
      if (pending[consumer] !== 0)
        v.push(`events lost: ${pending[consumer]} consent ledger entries not applied by ${consumer}`);
    for (const schema of ['consent', 'orders', 'audience', 'outreach']) {
      const twiceSent = await q<{ event_id: string; n: string }>(
        `SELECT event_id, count(*) AS n FROM ${schema}.outbox_sent GROUP BY event_id HAVING count(*) > 1`,
      );
      for (const e of twiceSent)
        v.push(`${schema} outbox: event ${e.event_id} recorded as sent ${e.n} times`);
    }
    for (const schema of ['orders', 'audience', 'outreach']) {
      const twice = await q<{ consumer: string; event_id: string }>(
        `SELECT consumer, event_id FROM ${schema}.inbox GROUP BY 1, 2 HAVING count(*) > 1`,
      );
      for (const e of twice) v.push(`${schema}: ${e.consumer} applied ${e.event_id} twice`);
    }

    // Every acknowledged import row and every acknowledged push stored exactly once.
    const stored = await q<{ platform_order_id: string; n: string }>(
      'SELECT platform_order_id, count(*) AS n FROM orders.orders WHERE shop_id = $1 GROUP BY platform_order_id',
      [SHOP],
    );
    const storedCount = new Map(stored.map((r) => [r.platform_order_id, Number(r.n)]));
    for (const id of orderIds)
      if (storedCount.get(id) !== 1) v.push(`import: order ${id} stored ${storedCount.get(id) ?? 0} times`);
    for (const id of pushedIds)
      if (storedCount.get(id) !== 1) v.push(`push: order ${id} stored ${storedCount.get(id) ?? 0} times`);
    const failedPushes = await q<{ push_id: string; error: string }>(
      'SELECT push_id, error FROM orders.order_pushes WHERE error IS NOT NULL',
    );
    for (const p of failedPushes) v.push(`push ${p.push_id} failed: ${p.error}`);

    // Each acknowledged join is one grant, each leave one withdrawal, whatever was retried.
    const ledger = await q<{ request_id: string; action: string; subject_ref: string; n: string; at: Date }>(
      `SELECT evidence->>'requestId' AS request_id, action, min(subject_ref::text) AS subject_ref,
              count(*) AS n, min(at) AS at
       FROM consent.ledger GROUP BY 1, 2`,
    );
    const byRequest = new Map(ledger.map((r) => [r.request_id, r]));
    for (const m of members) {
      const grant = byRequest.get(m.join);
      if (!grant || Number(grant.n) !== 1)
        v.push(`consent: join ${m.join} in the ledger ${grant?.n ?? 0} times`);
      if (m.leave) {
        const withdrawal = byRequest.get(m.leave);
        if (!withdrawal || Number(withdrawal.n) !== 1)
          v.push(`consent: leave ${m.leave} in the ledger ${withdrawal?.n ?? 0} times`);
      }
      // Consumer effect, applied once and in order: a member who left is no member; one who stayed is.
      if (grant) {
        const [member] = await q('SELECT 1 FROM audience.members WHERE subject_ref = $1', [
          grant.subject_ref,
        ]);
        if (m.leave && member) v.push(`audience: ${grant.subject_ref} still a member after leaving`);
        if (!m.leave && !member) v.push(`audience: ${grant.subject_ref} joined but is no member`);
      }
    }

    // The campaign, from the vendor's own log. The segment is every member with SMS consent when it
    // was materialised (the cohort, and the consent traffic's members so far): nobody twice, nobody
    // who never gave that number, nobody after their withdrawal's commit + the freshness bound, and
    // every stayer of the cohort reached (or a refusal recorded).
    // A message's time is when its request reached the vendor (headers in): what "dispatched" means
    // at the vendor. The fake's own accept time (after parsing and the signature check) is reported
    // beside it when a message is late.
    const vendorLog = await vendor.messages();
    const sentTo = new Map<string, Date[]>();
    const acceptedAt = new Map<string, number[]>();
    for (const m of vendorLog) {
      sentTo.set(m.phone, [...(sentTo.get(m.phone) ?? []), new Date(m.arrivedAt)]);
      acceptedAt.set(m.phone, [...(acceptedAt.get(m.phone) ?? []), m.sentAt]);
    }
    report.campaign.sent = vendorLog.length;
    const memberPhones = new Set(members.map((m) => m.phone));
    for (const [phone, times] of sentTo) {
      if (!memberPhones.has(phone)) v.push(`vendor: ${masked(phone)} is no member's number`);
      if (times.length > 1)
        v.push(`vendor: ${masked(phone)} received ${times.length} messages of one campaign`);
    }
    const blocked = await q<{ subject_ref: string; state: string; reason: string | null }>(
      'SELECT subject_ref::text, state, reason FROM outreach.sends WHERE run_id = $1 AND state NOT IN ($2, $3, $4)',
      [runId, 'submitted', 'delivered', 'failed'],
    );
    const refusals = new Map(blocked.map((b) => [b.subject_ref, `${b.state}:${b.reason ?? ''}`]));
    for (const b of blocked)
      report.campaign.blocked[b.reason ?? b.state] = (report.campaign.blocked[b.reason ?? b.state] ?? 0) + 1;
    const inCohort = new Set(cohort.map((m) => m.phone));
    for (const m of members) {
      const sends = sentTo.get(m.phone) ?? [];
      const subject = byRequest.get(m.join)?.subject_ref ?? '';
      if (m.leave) {
        const withdrawnAt = byRequest.get(m.leave)?.at;
        if (sends.length > 0) report.campaign.sentToLeaver++;
        for (const at of sends) {
          if (!withdrawnAt) continue;
          const lag = at.getTime() - new Date(withdrawnAt).getTime();
          report.campaign.worstLeaverLagMs = Math.max(report.campaign.worstLeaverLagMs ?? lag, lag);
          if (lag > FRESHNESS_BOUND_MS) {
            // Where the lateness arose: outreach's gate decision (dispatched_at) or the way to the vendor.
            const [row] = await q<{ dispatched_at: Date | null }>(
              'SELECT dispatched_at FROM outreach.sends WHERE run_id = $1 AND subject_ref::text = $2',
              [runId, subject],
            );
            const dispatched = row?.dispatched_at
              ? `${new Date(row.dispatched_at).getTime() - new Date(withdrawnAt).getTime()} ms`
              : 'unknown';
            const accepted = (acceptedAt.get(m.phone) ?? []).map((t) => t - new Date(withdrawnAt).getTime());
            v.push(
              `vendor: ${masked(m.phone)} reached the vendor ${lag} ms after the withdrawal's commit (outreach dispatched it ${dispatched} after; the fake accepted it ${accepted.join(', ')} ms after)`,
            );
          }
        }
      } else if (inCohort.has(m.phone) && sends.length === 0 && !refusals.has(subject)) {
        v.push(`campaign: stayer ${masked(m.phone)} never sent and no refusal recorded`);
      }
    }
    phase('oracle');
    return report;
  }
}

/** A Tmall TMC trade push (the shape services/orders/test/order-pushes.e2e-spec.ts sends). */
function tmcPush(id: string, tid: string) {
  return {
    id,
    topic: 'taobao_trade_TradeChanged',
    pub_time: '2026-11-20 10:02:00',
    content: JSON.stringify({
      tid,
      status: 'WAIT_SELLER_SEND_GOODS',
      payment: '199.00',
      created: '2026-11-20 10:00:00',
      pay_time: '2026-11-20 10:01:00',
      modified: '2026-11-20 10:02:00',
      buyer_open_uid: `chaos_buyer_${tid.slice(-6)}`,
      receiver_name: '赵*',
      receiver_mobile: '137****5678',
      receiver_address: '北京市朝阳区**路**号',
      orders: [{ outer_sku_id: 'SKU-TEA-01', num: 2 }],
    }),
  };
}

/** A Tmall order export (the columns the walking skeleton imports), one row per order id. */
function tmallExport(ids: string[]): string {
  const header =
    '订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,总金额,买家实际支付金额,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,商家编码';
  const rows = ids.map((id, i) =>
    [
      id,
      `tb_chaos_${i}`,
      'alipay@example.com',
      '19.90',
      '0.00',
      '19.90',
      '19.90',
      '卖家已发货，等待买家确认',
      '',
      '王*',
      '浙江省杭州市西湖区**路**号',
      '快递',
      '',
      '139****5678',
      '2026-11-01 10:00:00',
      '2026-11-01 10:01:00',
      '保湿面霜50ml',
      '1',
      `SF${id.slice(-10)}`,
      '顺丰速运',
      '',
      '1',
      'SKU-CREAM-50',
    ].join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}
