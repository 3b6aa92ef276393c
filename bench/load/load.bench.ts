/**
 * Sustained load (issue 14 §6), with autocannon, against either
 * - `--target standalone` (default): standalone as `npm start` runs it (`node
 *   dist/services/standalone/src/main.js`: embedded PostgreSQL, in-process transport), or
 * - `--target services`: consent, orders, audience and outreach as separate processes (the containers'
 *   command) over the bench's own PostgreSQL and Kafka broker, each public endpoint on the service
 *   that serves it, the withdrawal crossing from consent to outreach over the broker.
 *
 *   npm run bench:load                                # 10 minutes of mixed load against standalone
 *   npm run bench:load -- --target services           # the same against the separate services
 *   npm run bench:load -- --minutes 2                 # shorter
 *   npm run bench:load -- --heap-cap 128              # each service's V8 old space capped at 128 MB
 *   npm run bench:load -- --drain 600                 # wait up to 600 s for the order-push backlog
 *
 * 1. Each public endpoint alone for `--solo` seconds (default 10), after the same-run baseline: the
 *    liveness route `GET /api/v1/health`, which does no database work.
 * 2. Mixed load for the rest of the time: every endpoint at once, plus withdrawals (membership
 *    unbinds) probed for withdrawal → suppression latency: from the unbind request until outreach's
 *    consent projection (what the send gate reads) says "withdrawn".
 * Throughout, the service processes' resident memory (summed) is sampled every 5 s; the figure is the
 * growth over the mixed phase and its slope over the mixed phase's second half (MB/min).
 * Prints p50/p99 latency, requests/s and errors per endpoint (solo and mixed), each vs the baseline.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { authKeysFromEnv, issueAccessToken } from '../../libs/auth/src';
import { signTopRequest } from '../../libs/crypto/src';
import { freePort } from '../../libs/persistence/src';
import { alive, startChaosInfrastructure } from '../chaos/chaos-infra';
import { prepareSeparateServices, spawnService } from '../services/separate-services';

const SHOP = 'load-shop';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Endpoint {
  name: string;
  /** One autocannon request; `setupRequest` signs each one afresh (nonces are single-use). */
  request: () => Record<string, unknown>;
  connections: number;
  /** The service that answers it when the services run separately (standalone answers everything). */
  service: 'consent' | 'orders';
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Socket errors as autocannon counts them (a timed-out request also counts here). */
  errors: number;
  /** Requests unanswered after autocannon's 10 s timeout. */
  timeouts: number;
  non2xx: number;
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const totalSeconds = arg('minutes', 10) * 60;
  const soloSeconds = arg('solo', 10);
  const root = join(__dirname, '..', '..', '..');
  const membershipSecret = randomBytes(24).toString('base64');
  const pushSecret = randomBytes(24).toString('base64');
  const serviceEnv = {
    MEMBERSHIP_WEBHOOK_SECRETS: `${SHOP}:${membershipSecret}`,
    MEMBERSHIP_AGREEMENTS: JSON.stringify({
      [SHOP]: { '3': { purposes: ['marketing_messages'], channels: ['sms'] } },
    }),
    ORDER_PUSH_SECRETS: `${SHOP}:${pushSecret}`,
    // One client address drives all the load: the per-address page limit would answer 429.
    PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE: '100000000',
    // `--heap-cap MB`: each service's V8 old space capped, so memory that only ever grows ends the
    // run with an out-of-memory exit instead of hiding in a large default heap.
    ...(arg('heap-cap', 0) > 0 ? { NODE_OPTIONS: `--max-old-space-size=${arg('heap-cap', 0)}` } : {}),
  };
  const targetName = (() => {
    const i = process.argv.indexOf('--target');
    return i > 0 ? process.argv[i + 1] : 'standalone';
  })();
  if (targetName !== 'standalone' && targetName !== 'services')
    throw new Error(`--target must be standalone or services, not ${targetName}`);
  const target =
    targetName === 'services'
      ? await startServices(root, serviceEnv)
      : await startStandalone(root, serviceEnv);
  process.once('SIGINT', () => {
    void target.stop().finally(() => process.exit(130));
  });
  const base = target.base('consent');
  const ordersBase = target.base('orders');
  try {
    const ops = target.ops;
    const db = new Client({ connectionString: target.databaseUrl });
    await db.connect();

    // A parcel card to scan: one imported order and its invitation token.
    const imported = await fetch(`${ordersBase}/api/v1/orders/imports?platform=tmall&shop=${SHOP}`, {
      method: 'POST',
      headers: { Authorization: ops, 'Content-Type': 'text/csv' },
      body: tmallExport('3000000000000000001'),
    });
    if (imported.status !== 201) throw new Error(`import: ${imported.status} ${await imported.text()}`);
    let orderRef: string | undefined;
    for (let i = 0; !orderRef && i < 100; i++) {
      orderRef = (await db.query('SELECT order_ref FROM orders.orders LIMIT 1')).rows[0]?.order_ref;
      if (!orderRef) await sleep(100);
    }
    const invitation = (await (
      await fetch(`${ordersBase}/api/v1/orders/${orderRef}/invitations`, {
        method: 'POST',
        headers: { Authorization: ops },
      })
    ).json()) as { token: string };

    const signedQuery = (raw: string, secret: string) => {
      const query: Record<string, string> = {
        shop_id: SHOP,
        timestamp: String(Math.floor(Date.now() / 1000)),
        nonce: randomBytes(12).toString('hex'),
        sign_method: 'hmac-sha256',
      };
      query.sign = signTopRequest(query, raw, secret);
      return new URLSearchParams(query).toString();
    };
    let seq = 0;
    const joinBody = () => {
      const n = seq++;
      return {
        request_id: randomUUID(),
        omid: `omid_${randomBytes(8).toString('hex')}`,
        agreement_version: '3',
        mobile: `13${String(100_000_000 + (n % 900_000_000)).padStart(9, '0')}`,
        join_time: Math.floor(Date.now() / 1000),
      };
    };
    const signed = (path: string, secret: string, body: () => object) => () => ({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      setupRequest: (req: Record<string, unknown>) => {
        const raw = JSON.stringify(body());
        return { ...req, path: `${path}?${signedQuery(raw, secret)}`, body: raw };
      },
    });
    const baseline: Endpoint = {
      name: 'GET /api/v1/health (baseline)',
      request: () => ({ method: 'GET', path: '/api/v1/health' }),
      connections: 4,
      service: 'consent',
    };
    const endpoints: Endpoint[] = [
      {
        name: 'GET /q/{token} (parcel-card landing page)',
        request: () => ({ method: 'GET', path: `/q/${invitation.token}` }),
        connections: 4,
        service: 'consent',
      },
      {
        name: 'POST /webhooks/membership/tmall/bind (signed join)',
        request: signed('/webhooks/membership/tmall/bind', membershipSecret, joinBody),
        connections: 4,
        service: 'consent',
      },
      {
        name: 'POST /webhooks/orders/tmall (signed order push)',
        request: signed('/webhooks/orders/tmall', pushSecret, () =>
          tmcPush(`load-${randomBytes(6).toString('hex')}`, `40${String(seq++).padStart(17, '0')}`),
        ),
        connections: 4,
        service: 'orders',
      },
    ];

    const cannon = (e: Endpoint, seconds: number): Promise<Figures> =>
      new Promise((resolve, reject) => {
        autocannon(
          {
            url: target.base(e.service),
            connections: e.connections,
            duration: seconds,
            requests: [e.request()],
          },
          (err: Error | null, r: any) =>
            err
              ? reject(err)
              : resolve({
                  rps: r.requests.average,
                  p50: r.latency.p50,
                  p99: r.latency.p99,
                  requests: r.requests.total,
                  errors: r.errors,
                  timeouts: r.timeouts,
                  non2xx: r.non2xx,
                }),
        );
      });

    // Memory: resident set of the service processes, summed (PostgreSQL and Kafka are processes of
    // their own and not counted), and of each one at the start and the end of the mixed phase.
    const rss: { t: number; mb: number }[] = [];
    const rssOf = (pid: number) => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    };
    const perProcess = () =>
      target
        .processes()
        .map((p) => `${p.name} ${rssOf(p.pid).toFixed(0)}`)
        .join(', ');
    const rssNow = () => target.processes().reduce((sum, p) => sum + rssOf(p.pid), 0);
    // The V8 heap in use, per process (prom-client's default metric), every 5 s as well. Resident
    // memory also holds heap V8 keeps after a collection; the heap in use falls back after each one,
    // so its per-minute minimum — the floor — is the live data, and a floor that keeps rising is a leak.
    const heap = new Map<string, { t: number; mb: number }[]>();
    const sampleHeaps = async (t: number) =>
      Promise.all(
        target.processes().map(async (p) => {
          const text = await (await fetch(p.metrics)).text().catch(() => '');
          const m = /^siyu_process_nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
          if (!m) return;
          if (!heap.has(p.name)) heap.set(p.name, []);
          heap.get(p.name)!.push({ t, mb: Number(m[1]) / 2 ** 20 });
        }),
      ).catch(() => undefined);
    const began = Date.now();
    const sampler = setInterval(() => {
      const t = (Date.now() - began) / 1000;
      rss.push({ t, mb: rssNow() });
      void sampleHeaps(t);
    }, 5000);

    const solo: Record<string, Figures> = {};
    for (const e of [baseline, ...endpoints]) {
      solo[e.name] = await cannon(e, soloSeconds);
      console.log(`solo ${e.name}: ${fmt(solo[e.name])}`);
    }

    // Mixed: everything at once for the rest of the time, plus probed withdrawals.
    const mixedSeconds = Math.max(30, totalSeconds - soloSeconds * (endpoints.length + 1));
    const mixedBegan = (Date.now() - began) / 1000;
    const perProcessAtMixed = perProcess();
    console.log(`mixed load for ${mixedSeconds} s …`);
    const latencies: number[] = [];
    let probing = true;
    const probe = async () => {
      while (probing) {
        const body = joinBody();
        const raw = JSON.stringify(body);
        const joined = await fetch(
          `${base}/webhooks/membership/tmall/bind?${signedQuery(raw, membershipSecret)}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: raw,
          },
        );
        if (joined.status !== 200) continue;
        const granted = async () =>
          (
            await db.query(
              `SELECT p.granted FROM outreach.consent_projection p JOIN consent.ledger l ON l.subject_ref = p.subject_ref
               WHERE l.evidence->>'requestId' = $1 AND p.purpose = 'marketing_messages' AND p.channel = 'sms'`,
              [body.request_id],
            )
          ).rows[0]?.granted as boolean | undefined;
        while (probing && (await granted()) !== true) await sleep(20);
        const unbind = JSON.stringify({ request_id: `unbind-${body.request_id}`, omid: body.omid });
        const t0 = Date.now();
        const left = await fetch(
          `${base}/webhooks/membership/tmall/unbind?${signedQuery(unbind, membershipSecret)}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: unbind,
          },
        );
        if (left.status !== 200) throw new Error(`unbind: ${left.status}`);
        while ((await granted()) !== false) await sleep(5);
        latencies.push(Date.now() - t0);
        await sleep(200);
      }
    };
    const probing$ = probe();
    // Where the database time goes under the mixed load: every 250 ms, each backend of the run's
    // database that is not idle, by state and wait event (a lock wait, a session idle inside a
    // transaction while the app computes, a query running) and by statement, plus connections per role.
    const waits = new Map<string, number>();
    const statements = new Map<string, number>();
    let samples = 0;
    let maxConnections = 0;
    let sampling = true;
    const sampleActivity = async () => {
      const activity = new Client({
        connectionString: target.databaseUrl,
      });
      await activity.connect();
      while (sampling) {
        const rows = (
          await activity.query(
            `SELECT usename, state, coalesce(wait_event_type || ':' || wait_event, 'running') AS wait,
                    left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
             FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          )
        ).rows as { usename: string; state: string; wait: string; query: string }[];
        samples++;
        maxConnections = Math.max(maxConnections, rows.length);
        for (const r of rows) {
          if (r.state === 'idle') continue;
          const k = `${r.state} ${r.wait}`;
          waits.set(k, (waits.get(k) ?? 0) + 1);
          const q = `${r.usename} ${r.state === 'active' ? r.wait : r.state}: ${r.query}`;
          statements.set(q, (statements.get(q) ?? 0) + 1);
        }
        await sleep(250);
      }
      await activity.end();
    };
    const sampling$ = sampleActivity();
    const mixed = await Promise.all([baseline, ...endpoints].map((e) => cannon(e, mixedSeconds)));
    probing = false;
    sampling = false;
    await probing$;
    await sampling$;
    clearInterval(sampler);
    rss.push({ t: (Date.now() - began) / 1000, mb: rssNow() });

    // Order pushes are answered at once and ingested later (the push processor): how far behind the
    // intake it ended, and how fast it drains with no load (up to --drain seconds, default 60).
    const pushes = async () =>
      (
        await db.query(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE processed_at IS NULL)::int AS pending
             FROM orders.order_pushes`,
        )
      ).rows[0] as { total: number; pending: number };
    const atEnd = await pushes();
    const drainFrom = Date.now();
    let drained = atEnd;
    while (drained.pending > 0 && Date.now() - drainFrom < arg('drain', 60) * 1000) {
      await sleep(1000);
      drained = await pushes();
    }
    const drainSeconds = (Date.now() - drainFrom) / 1000;
    const pushSummary =
      `order pushes: ${atEnd.total} accepted, ${atEnd.pending} not yet ingested when the load stopped; ` +
      `with no load the processor ingested ${atEnd.pending - drained.pending} in ${drainSeconds.toFixed(0)} s ` +
      `(${((atEnd.pending - drained.pending) / Math.max(drainSeconds, 1)).toFixed(0)} pushes/s), ${drained.pending} left`;

    const pct = (xs: number[], p: number) => {
      const s = [...xs].sort((a, b) => a - b);
      return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
    };
    const inMixed = rss.filter((s) => s.t >= mixedBegan);
    const secondHalf = inMixed.filter((s) => s.t >= mixedBegan + mixedSeconds / 2);
    const slope = linearSlope(secondHalf) * 60;
    const base0 = solo[baseline.name];
    const baseM = mixed[0];
    console.log(
      '\n| endpoint | phase | req/s | p50 ms | p99 ms | p50 vs baseline | errors (timeouts) | non-2xx |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    for (const [i, e] of [baseline, ...endpoints].entries()) {
      const s = solo[e.name];
      const m = mixed[i];
      console.log(
        `| ${e.name} | alone | ${s.rps.toFixed(0)} | ${s.p50} | ${s.p99} | ${(s.p50 / Math.max(base0.p50, 1)).toFixed(1)}× | ${s.errors} (${s.timeouts}) | ${s.non2xx} |`,
      );
      console.log(
        `| ${e.name} | mixed | ${m.rps.toFixed(0)} | ${m.p50} | ${m.p99} | ${(m.p50 / Math.max(baseM.p50, 1)).toFixed(1)}× | ${m.errors} (${m.timeouts}) | ${m.non2xx} |`,
      );
    }
    console.log(
      `\nwithdrawal → suppression (unbind request → outreach projection withdrawn), under mixed load: n=${latencies.length}, p50 ${pct(latencies, 0.5)} ms, p99 ${pct(latencies, 0.99)} ms, max ${Math.max(...latencies)} ms`,
    );
    console.log(
      `memory (${targetName} RSS, MB: ${perProcessAtMixed} at the start of the mixed phase; ${perProcess()} at its end): ${inMixed[0]?.mb.toFixed(0)} MB at the start of the mixed phase, ${inMixed.at(-1)?.mb.toFixed(0)} MB at its end (peak ${Math.max(...rss.map((s) => s.mb)).toFixed(0)} MB); slope over its second half ${slope.toFixed(2)} MB/min`,
    );
    console.log(pushSummary);
    console.log(`samples: ${JSON.stringify(rss.map((s) => [Math.round(s.t), Math.round(s.mb)]))}`);
    // Heap floor per minute of the mixed phase, per process.
    for (const [name, samples] of heap) {
      const floors: number[] = [];
      for (let m = 0; mixedBegan + (m + 1) * 60 <= mixedBegan + mixedSeconds + 5; m++) {
        const inMinute = samples.filter((x) => x.t >= mixedBegan + m * 60 && x.t < mixedBegan + (m + 1) * 60);
        if (inMinute.length > 0) floors.push(Math.min(...inMinute.map((x) => x.mb)));
      }
      const late = floors.slice(Math.floor(floors.length / 2));
      const slopeLate = linearSlope(late.map((mb, i) => ({ t: i * 60, mb }))) * 60;
      console.log(
        `heap floor (${name}, MB, per minute of the mixed phase): ${floors.map((f) => f.toFixed(0)).join(' ')}; slope over the second half ${slopeLate.toFixed(2)} MB/min`,
      );
    }
    const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
    console.log(
      `\ndatabase activity under the mixed load (${samples} samples of pg_stat_activity, at most ${maxConnections} connections): backends not idle, average per sample`,
    );
    for (const [k, n] of top(waits, 12)) console.log(`  ${(n / samples).toFixed(2)}  ${k}`);
    console.log('busiest statements (backends per sample, role and wait):');
    for (const [k, n] of top(statements, 15)) console.log(`  ${(n / samples).toFixed(2)}  ${k}`);
    const exited = target.processes().filter((p) => !alive(p.pid));
    console.log(
      exited.length === 0
        ? `every service process ran to the end (${target.processes().length})`
        : `SERVICE PROCESSES EXITED DURING THE RUN: ${exited.map((p) => p.name).join(', ')}`,
    );
    await db.end();
    if (exited.length > 0) process.exitCode = 1;
  } finally {
    await target.stop();
  }
}

/** What the load runs against: one process (`npm start`) or the separate services over Kafka. */
interface Target {
  base(service: 'consent' | 'orders'): string;
  databaseUrl: string;
  /** An ops bearer token the target trusts. */
  ops: string;
  /** Each service process, and where its Prometheus metrics are (V8 heap figures). */
  processes(): { name: string; pid: number; metrics: string }[];
  stop(): Promise<void>;
}

async function waitReady(url: string, exited: () => boolean, what: string): Promise<void> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${url}/api/v1/health/ready`).catch(() => null);
    if (res?.status === 200) return;
    if (exited() || i > 2400) throw new Error(`${what} did not become ready`);
    await sleep(250);
  }
}

/** standalone as `npm start` runs it: embedded PostgreSQL, in-process transport. */
async function startStandalone(root: string, serviceEnv: Record<string, string>): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'siyu-load-'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'dist', 'services', 'standalone', 'src', 'main.js')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      SIYU_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'error',
      ...serviceEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(`http://127.0.0.1:${port}`, () => child.exitCode !== null, 'standalone');
  } catch (err) {
    await stop();
    throw err;
  }
  const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  const keys = authKeysFromEnv(secrets);
  return {
    base: () => `http://127.0.0.1:${port}`,
    databaseUrl: readFileSync(join(dataDir, 'postgres-url'), 'utf8').trim(),
    ops: `Bearer ${(await issueAccessToken(keys, { id: randomUUID(), role: 'ops', kind: 'staff' }, 7200)).token}`,
    processes: () => [{ name: 'standalone', pid: child.pid!, metrics: `http://127.0.0.1:${port}/metrics` }],
    stop,
  };
}

/**
 * The separate services (consent, orders, audience, outreach: the withdrawal path and every public
 * endpoint here) as docker-compose runs them, over a PostgreSQL and a Kafka broker of the bench's own.
 */
async function startServices(root: string, serviceEnv: Record<string, string>): Promise<Target> {
  const infra = await startChaosInfrastructure(root, (l) => console.log(l));
  const names = ['consent', 'orders', 'audience', 'outreach'] as const;
  const children: { name: string; child: ChildProcess; err: string[] }[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        ({ child }) =>
          new Promise((r) => {
            if (child.exitCode !== null || child.signalCode !== null) return r(null);
            child.once('exit', r);
            child.kill('SIGTERM');
          }),
      ),
    );
    await infra.stop();
  };
  try {
    const setup = await prepareSeparateServices({
      adminUrl: infra.adminUrl,
      brokers: infra.brokers,
      name: 'load',
      brandId: 'load',
      env: serviceEnv,
    });
    const ports = new Map<string, number>();
    for (const name of names) {
      ports.set(name, await freePort());
      children.push({ name, ...spawnService(root, name, setup.env, ports.get(name)!) });
    }
    await Promise.all(
      children.map(({ name, child, err }) =>
        waitReady(`http://127.0.0.1:${ports.get(name)}`, () => child.exitCode !== null, name).catch(
          (e: Error) => {
            throw new Error(`${e.message}: ${err.join('').slice(-500)}`);
          },
        ),
      ),
    );
    console.log(`services ready: ${[...ports].map(([n, p]) => `${n}:${p}`).join(' ')}`);
    return {
      base: (service) => `http://127.0.0.1:${ports.get(service)}`,
      databaseUrl: setup.databaseUrl,
      ops: await setup.token('ops'),
      processes: () =>
        children.map(({ name, child }) => ({
          name,
          pid: child.pid!,
          metrics: `http://127.0.0.1:${ports.get(name)}/metrics`,
        })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function fmt(f: Figures): string {
  return `${f.rps.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, ${f.errors} errors (${f.timeouts} timeouts), ${f.non2xx} non-2xx`;
}

/** Least-squares slope of mb over t (per second). */
function linearSlope(samples: { t: number; mb: number }[]): number {
  if (samples.length < 2) return NaN;
  const n = samples.length;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mm = samples.reduce((a, s) => a + s.mb, 0) / n;
  const num = samples.reduce((a, s) => a + (s.t - mt) * (s.mb - mm), 0);
  const den = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return num / den;
}

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
      buyer_open_uid: `load_buyer_${tid.slice(-6)}`,
      receiver_name: '赵*',
      receiver_mobile: '137****5678',
      receiver_address: '北京市朝阳区**路**号',
      orders: [{ outer_sku_id: 'SKU-TEA-01', num: 2 }],
    }),
  };
}

function tmallExport(id: string): string {
  const header =
    '订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,总金额,买家实际支付金额,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,商家编码';
  const row = [
    id,
    'tb_load_1',
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
    'SF0000000001',
    '顺丰速运',
    '',
    '1',
    'SKU-CREAM-50',
  ].join(',');
  return `${header}\n${row}\n`;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(`load: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
