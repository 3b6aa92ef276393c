/**
 * Campaign fan-out (issue 17 §6). 100,000 recipients to the fake Aliyun SMS server through the
 * official SDK (AliyunSmsChannel) and the real send gate, versus the same fan-out with the gate
 * switched off (`sendGate: 'off-for-benchmark'`), in the same run, same database, same members.
 * Then the race: withdrawals applied during a gated fan-out; every dispatch the fake vendor saw
 * for a withdrawn member is compared with the withdrawal's commit. Prints figures; not a test.
 *
 *   npm run build && node dist/bench/outreach/fanout.bench.js [recipients=100000] [withdrawals=1000]
 *
 * Consent is simulated in-process: each withdrawal is stamped at its "commit", then applied through
 * outreach's real consumer; watermarks follow the same order consent's advisory lock enforces.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { TOPICS } from '../../libs/contracts/src';
import { generateSecretsEnv, loadContactKeys } from '../../libs/crypto/src';
import { InProcessTransport } from '../../libs/messaging/src';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../../libs/persistence/src';
import { FakeAliyunSmsServer } from '../../libs/testing/src/fake-vendors/aliyun-sms-server';
import { AliyunSmsChannel } from '../../services/outreach/src/channels/aliyun-sms.channel';
import { VendorSecret } from '../../services/outreach/src/channels/vendor-credentials';
import { CampaignRepository } from '../../services/outreach/src/campaigns/campaign.repository';
import { RunRepository } from '../../services/outreach/src/runs/run.repository';
import { OutreachModule } from '../../services/outreach/src/outreach.module';
import { OUTREACH_DB, type OutreachModuleOptions } from '../../services/outreach/src/outreach.options';
import { DeclareTemplate } from '../../services/outreach/src/templates/declare-template.use-case';

const N = Number(process.argv[2] ?? 100_000);
const WITHDRAWALS = Number(process.argv[3] ?? 1000);
const PARTITIONS = 3;
const CHUNK = Number(process.env.CHUNK ?? 1000);
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
  const pg = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
    persistent: false,
  });
  const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `obench_${Date.now()}`);
  const secrets = generateSecretsEnv();
  const fake = await FakeAliyunSmsServer.start({ accessKeyId: 'bench-key', accessKeySecret: 'bench-secret' });
  fake.addTemplate({
    templateCode: 'SMS_BENCH',
    templateName: 'bench',
    content: '广告 冬季会员价${offer_code} 退订${unsubscribe_link} 回T退订',
    type: 2,
  });
  const transport = new InProcessTransport(PARTITIONS);
  const consent = new ConsentSimulation(transport);
  const heartbeat = setInterval(() => void consent.watermark(), 100);

  const start = async (sendGate: OutreachModuleOptions['sendGate']): Promise<INestApplication> => {
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
        runner: { pollMs: 20, chunkSize: CHUNK },
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
    const before = fake.messages.length;
    const started = Date.now();
    const run = await runs.create(ds.manager, c.id, segment, 1, 'bench');
    const side = during?.(run.id);
    for (;;) {
      const r = await runs.find(ds.manager, run.id);
      if (r!.state === 'done' || r!.state === 'paused') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const seconds = (Date.now() - started) / 1000;
    await side;
    const sent = fake.messages.length - before;
    const results = await runs.results(ds.manager, run.id);
    console.log(
      `${label}: ${sent} messages at the fake Aliyun in ${seconds.toFixed(1)} s = ${(sent / seconds).toFixed(0)} msg/s ` +
        `(blocked ${JSON.stringify(results.blocked)}, failed ${JSON.stringify(results.failed)})`,
    );
    return { sent, seconds, rate: sent / seconds, runId: run.id };
  };

  // Alternating order, twice each, so warm-up (JIT, PostgreSQL cache) favours neither side.
  const offRates: number[] = [];
  const onRates: number[] = [];
  let on = { seconds: 0 };
  for (let round = 1; round <= 2; round++) {
    offRates.push((await fanOut(`round ${round} gate OFF (baseline)`)).rate);
    await app.close();
    app = await start('on');
    ds = app.get<DataSource>(OUTREACH_DB);
    const r = await fanOut(`round ${round} gate ON`);
    onRates.push(r.rate);
    on = r;
    if (round < 2) {
      await app.close();
      app = await start('off-for-benchmark');
      ds = app.get<DataSource>(OUTREACH_DB);
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const overhead = (1 - mean(onRates) / mean(offRates)) * 100;
  console.log(
    `mean: gate OFF ${mean(offRates).toFixed(0)} msg/s, gate ON ${mean(onRates).toFixed(0)} msg/s, ` +
      `gate overhead ${overhead.toFixed(1)}% (targets: ≥ 2,000 msg/s gated, overhead ≤ 5%)`,
  );

  // The race: withdrawals spread over a third gated fan-out.
  const withdrawn = new Map<string, { at: number; phone: string }>();
  const race = await fanOut('gate ON with withdrawals', async () => {
    const pace = Math.max(1, Math.floor(((on.seconds * 1000) / WITHDRAWALS) * 0.8));
    for (let k = 0; k < WITHDRAWALS; k++) {
      const i = Math.floor(Math.random() * N);
      if (withdrawn.has(refs[i])) continue;
      const at = await consent.withdraw(refs[i], k % 2 ? 'sms_reply' : 'unsubscribe_link');
      withdrawn.set(refs[i], { at, phone: phoneOf(i) });
      await new Promise((r) => setTimeout(r, pace));
    }
  });
  const byPhone = new Map<string, Date>();
  const since = fake.messages.length - race.sent;
  for (const m of fake.messages.slice(since)) byPhone.set(m.phone, m.sentAt);
  let late = 0;
  let worst = -Infinity;
  let afterCommit = 0;
  for (const { at, phone } of withdrawn.values()) {
    const sentAt = byPhone.get(phone);
    if (!sentAt) continue;
    const lag = sentAt.getTime() - at;
    if (lag > 0) afterCommit++;
    worst = Math.max(worst, lag);
    if (lag > 1000) late++;
  }
  console.log(
    `race: ${withdrawn.size} withdrawals during the fan-out; ${afterCommit} dispatches after a withdrawal's commit, ` +
      `${late} later than commit + 1 s (target 0); worst lag ${worst === -Infinity ? 'n/a' : `${worst} ms`}`,
  );
  // Same run, same members: what the racing withdrawals cost the fan-out.
  console.log(
    `race throughput: ${race.rate.toFixed(0)} msg/s with ${withdrawn.size} withdrawals vs gate ON ` +
      `${mean(onRates).toFixed(0)} msg/s and gate OFF ${mean(offRates).toFixed(0)} msg/s without ` +
      `(${((race.rate / mean(offRates)) * 100).toFixed(0)}% of the baseline)`,
  );

  clearInterval(heartbeat);
  await app.close();
  await fake.close();
  await pg.stop();
  process.exit(0);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
