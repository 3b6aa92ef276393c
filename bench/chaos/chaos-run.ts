import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { authKeysFromPem, generateAuthKeyPem, issueAccessToken } from '../../libs/auth/src';
import { TOPICS } from '../../libs/contracts/src';
import { generateSecretsEnv, signTopRequest } from '../../libs/crypto/src';
import { KafkaTransport } from '../../libs/messaging/src';
import { freePort } from '../../libs/persistence/src';

/**
 * One chaos run (issue 14 §1): orders, consent and audience as separate processes (the containers'
 * command, `node dist/services/<name>/src/main.js`) over real PostgreSQL and Kafka; mixed traffic —
 * order imports, membership joins (consent grants) and leaves (withdrawals) — while a driver SIGKILLs
 * a random service and restarts it; then a sequence oracle reads the databases.
 */
export const CHAOS_SERVICES = ['consent', 'orders', 'audience'] as const;
type ServiceName = (typeof CHAOS_SERVICES)[number];

export interface ChaosOptions {
  root: string;
  /** A fresh database (admin URL) for this run. */
  databaseUrl: string;
  brokers: string[];
  /** How long traffic and faults last. */
  trafficMs: number;
  members: number;
  imports: number;
  rowsPerImport: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  faults: Record<string, number>;
  recoveryMs: number[];
  violations: string[];
  acknowledged: { importRows: number; joins: number; leaves: number };
  retries: number;
  /** From the end of traffic until every outbox was relayed and audience had applied every event. */
  drainMs?: number;
}

interface Running {
  name: ServiceName;
  port: number;
  child: ChildProcess;
  err: string[];
}

const SHOP = 'chaos-shop';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const log = o.log ?? (() => {});
  const pem = generateAuthKeyPem();
  const keys = authKeysFromPem(pem.publicKeyPem, pem.privateKeyPem);
  const ops = `Bearer ${(await issueAccessToken(keys, { id: randomUUID(), role: 'ops', kind: 'staff' }, 3600)).token}`;
  const membershipSecret = randomBytes(24).toString('base64');
  const topicPrefix = `t-chaos-${randomBytes(4).toString('hex')}.`;
  const admin = new KafkaTransport({
    brokers: o.brokers,
    clientId: 'chaos-admin',
    partitions: 3,
    topicPrefix,
  });
  await admin.connect();
  await admin.ensureTopics(Object.values(TOPICS));
  await admin.disconnect();
  await sleep(1000);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: o.databaseUrl,
    KAFKA_BROKERS: o.brokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    AUTH_PUBLIC_KEY: pem.publicKeyPem,
    BRAND_ID: 'chaos',
    HOST: '127.0.0.1',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'error',
    MEMBERSHIP_WEBHOOK_SECRETS: `${SHOP}:${membershipSecret}`,
    MEMBERSHIP_AGREEMENTS: JSON.stringify({
      [SHOP]: { '3': { purposes: ['marketing_messages'], channels: ['sms'] } },
    }),
    ...generateSecretsEnv(),
  };

  const running = new Map<ServiceName, Running>();
  const ports = new Map<ServiceName, number>();
  for (const name of CHAOS_SERVICES) ports.set(name, await freePort());
  const start = async (name: ServiceName): Promise<number> => {
    const began = Date.now();
    for (let attempt = 1; ; attempt++) {
      const err: string[] = [];
      const child = spawn(process.execPath, [join(o.root, 'dist', 'services', name, 'src', 'main.js')], {
        cwd: o.root,
        env: { ...env, PORT: String(ports.get(name)) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (d: Buffer) => err.push(d.toString('utf8')));
      running.set(name, { name, port: ports.get(name)!, child, err });
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && child.exitCode === null) {
        const res = await fetch(`http://127.0.0.1:${ports.get(name)}/api/v1/health/ready`).catch(() => null);
        if (res?.status === 200) return Date.now() - began;
        await sleep(100);
      }
      // docker-compose restarts a service that exits at start (the kafkajs metadata race, runbook).
      if (attempt >= 5) throw new Error(`${name} did not become ready: ${err.join('').slice(-500)}`);
      child.kill('SIGKILL');
    }
  };
  const url = (name: ServiceName, path: string) => `http://127.0.0.1:${ports.get(name)}${path}`;

  try {
    return await driveAndCheck();
  } finally {
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
  }

  async function driveAndCheck(): Promise<ChaosReport> {
    for (const name of CHAOS_SERVICES) await start(name);
    log(`services ready on ${[...ports].map(([n, p]) => `${n}:${p}`).join(' ')}`);

    // --- traffic: each request is retried with the same content until acknowledged (idempotent).
    const report: ChaosReport = {
      faults: {},
      recoveryMs: [],
      violations: [],
      acknowledged: { importRows: 0, joins: 0, leaves: 0 },
      retries: 0,
    };
    const untilAcknowledged = async (what: string, call: () => Promise<Response>): Promise<Response> => {
      let last = '';
      for (let attempt = 0; attempt < 600; attempt++) {
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

    const orderIds: string[] = [];
    const importTraffic = async () => {
      for (let i = 0; i < o.imports; i++) {
        const ids = Array.from(
          { length: o.rowsPerImport },
          () => `30${randomBytes(8).readBigUInt64BE() % 10n ** 16n}`,
        );
        const csv = tmallExport(ids);
        const res = await untilAcknowledged('import', () =>
          fetch(url('orders', `/api/v1/orders/imports?platform=tmall&shop=${SHOP}`), {
            method: 'POST',
            headers: { Authorization: ops, 'Content-Type': 'text/csv' },
            body: csv,
          }),
        );
        if (res.status !== 201) throw new Error(`import refused: ${res.status} ${await res.text()}`);
        orderIds.push(...ids);
        report.acknowledged.importRows += ids.length;
      }
    };

    const members: { omid: string; join: string; leave?: string }[] = [];
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
    const consentTraffic = async () => {
      for (let i = 0; i < o.members; i++) {
        const m = {
          omid: `omid_${randomBytes(8).toString('hex')}`,
          join: randomUUID(),
        } as (typeof members)[number];
        const body = {
          request_id: m.join,
          omid: m.omid,
          agreement_version: '3',
          mobile: `139${String(10_000_000 + i).slice(-8)}`,
          join_time: Math.floor(Date.now() / 1000),
        };
        const res = await untilAcknowledged('join', () => membershipCall('bind', body));
        if (res.status !== 200) throw new Error(`join refused: ${res.status} ${await res.text()}`);
        members.push(m);
        report.acknowledged.joins++;
        // Every other member leaves again: a withdrawal right behind its grant.
        if (i % 2 === 1) {
          m.leave = `unbind-${m.join}`;
          const left = await untilAcknowledged('leave', () =>
            membershipCall('unbind', { request_id: m.leave, omid: m.omid }),
          );
          if (left.status !== 200) throw new Error(`leave refused: ${left.status} ${await left.text()}`);
          report.acknowledged.leaves++;
        }
      }
    };

    // --- faults: SIGKILL a random service, restart it, measure until ready again.
    let trafficDone = false;
    const faults = async () => {
      const until = Date.now() + o.trafficMs;
      while (Date.now() < until && !trafficDone) {
        await sleep(500 + Math.random() * 2000);
        const victim = CHAOS_SERVICES[Math.floor(Math.random() * CHAOS_SERVICES.length)];
        const r = running.get(victim)!;
        const exited = new Promise((resolve) => r.child.once('exit', resolve));
        r.child.kill('SIGKILL');
        await exited;
        report.faults[`SIGKILL ${victim}`] = (report.faults[`SIGKILL ${victim}`] ?? 0) + 1;
        await sleep(Math.random() * 1000);
        const recovery = await start(victim);
        report.recoveryMs.push(recovery);
        log(`SIGKILL ${victim}: ready again after ${recovery} ms`);
      }
    };

    const traffic = Promise.all([importTraffic(), consentTraffic()]).finally(() => (trafficDone = true));
    await Promise.all([traffic, faults()]);

    // --- oracle, once every outbox has drained and audience has applied what it received.
    const db = new Client({ connectionString: o.databaseUrl });
    await db.connect();
    try {
      const q = async <T = any>(sql: string, params: unknown[] = []) =>
        (await db.query(sql, params)).rows as T[];
      // A SIGKILLed consumer's partitions move only when its Kafka session expires (tens of seconds).
      const drainStarted = Date.now();
      const deadline = Date.now() + 180_000;
      let pending = Infinity;
      while (Date.now() < deadline) {
        const [row] = await q<{ n: string }>(
          `SELECT (SELECT count(*) FROM consent.outbox WHERE topic NOT LIKE '%watermark%')
              + (SELECT count(*) FROM orders.outbox) AS n`,
        );
        pending = Number(row.n);
        // Consent's watermark heartbeats share the withdrawn topic and are no effect: count the
        // ledger's entries (one event each) against what audience's inbox applied.
        const [missing] = await q<{ n: string }>(
          `SELECT (SELECT count(*) FROM consent.ledger)
                - (SELECT count(*) FROM audience.inbox
                    WHERE topic LIKE '%consent.granted%' OR topic LIKE '%consent.withdrawn%') AS n`,
        );
        if (pending === 0 && Number(missing.n) === 0) break;
        await sleep(250);
      }
      report.drainMs = Date.now() - drainStarted;
      const v = report.violations;
      if (pending !== 0) v.push(`outbox: ${pending} events never relayed`);
      const [gap] = await q<{ ledger: string; applied: string }>(
        `SELECT (SELECT count(*) FROM consent.ledger) AS ledger,
                (SELECT count(*) FROM audience.inbox
                  WHERE topic LIKE '%consent.granted%' OR topic LIKE '%consent.withdrawn%') AS applied`,
      );
      if (Number(gap.ledger) !== Number(gap.applied))
        v.push(`events lost: ${gap.ledger} consent ledger entries, ${gap.applied} applied by audience`);
      const twiceSent = await q<{ event_id: string; n: string }>(
        'SELECT event_id, count(*) AS n FROM consent.outbox_sent GROUP BY event_id HAVING count(*) > 1',
      );
      for (const e of twiceSent) v.push(`outbox: event ${e.event_id} recorded as sent ${e.n} times`);

      // Every accepted import row stored exactly once.
      const stored = await q<{ platform_order_id: string; n: string }>(
        'SELECT platform_order_id, count(*) AS n FROM orders.orders WHERE shop_id = $1 GROUP BY platform_order_id',
        [SHOP],
      );
      const storedCount = new Map(stored.map((r) => [r.platform_order_id, Number(r.n)]));
      for (const id of orderIds)
        if (storedCount.get(id) !== 1) v.push(`import: order ${id} stored ${storedCount.get(id) ?? 0} times`);

      // Each acknowledged join is one grant, each leave one withdrawal, whatever was retried.
      const ledger = await q<{ request_id: string; action: string; subject_ref: string; n: string }>(
        `SELECT evidence->>'requestId' AS request_id, action, min(subject_ref::text) AS subject_ref, count(*) AS n
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
      const twice = await q<{ consumer: string; event_id: string }>(
        'SELECT consumer, event_id FROM audience.inbox GROUP BY 1, 2 HAVING count(*) > 1',
      );
      for (const e of twice) v.push(`audience: ${e.consumer} applied ${e.event_id} twice`);
    } finally {
      await db.end();
    }
    return report;
  }
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
