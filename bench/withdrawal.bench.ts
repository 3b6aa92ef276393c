/**
 * Withdrawal under load (issue 5 §9). Consent and outreach run as separate Nest apps over real
 * Kafka; autocannon POSTs one-tap unsubscribes while a campaign-sized stream of send-gate checks
 * runs against outreach. Prints withdrawals/s, HTTP p50/p99, gate checks/s, and the propagation
 * time from ledger commit to outreach's projection (p50/p99). Not a test.
 *
 *   npm run kafka:start && KAFKA_BROKERS=127.0.0.1:9092 npm run bench:withdrawal [-- <subjects>]
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import autocannon from 'autocannon';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { generateAuthKeyPem, authKeysFromPem } from '../libs/auth/src';
import { installHttpEdge } from '../libs/http/src';
import { TOPICS, type ConsentGrantedV1 } from '../libs/contracts/src';
import { generateSecretsEnv, loadContactKeys, loadTokenSigner } from '../libs/crypto/src';
import { addManyToOutbox, KafkaTransport } from '../libs/messaging/src';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../libs/persistence/src';
import { ConsentModule } from '../services/consent/src/consent.module';
import { issueFormNonce } from '../services/consent/src/customer-pages/form-nonce';
import { CONSENT_DB } from '../services/consent/src/consent.options';
import { LedgerRepository } from '../services/consent/src/ledger/ledger.repository';
import { OutreachModule } from '../services/outreach/src/outreach.module';
import { OUTREACH_DB } from '../services/outreach/src/outreach.options';
import { SendGate } from '../services/outreach/src/send-gate/send-gate';

const SUBJECTS = Number(process.argv[2] ?? 2000);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS?.split(',');
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run `npm run kafka:start` first');
  const pg = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
    persistent: false,
  });
  const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `wbench_${Date.now()}`);
  const secrets: Record<string, string> = {
    ...generateSecretsEnv(),
    PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const { publicKeyPem } = generateAuthKeyPem();
  const authKeys = authKeysFromPem(publicKeyPem);
  const prefix = `wbench-${Date.now()}.`;
  const transports: KafkaTransport[] = [];
  const kafka = async (clientId: string) => {
    const t = new KafkaTransport({ brokers, clientId, partitions: 3, topicPrefix: prefix });
    await t.connect();
    transports.push(t);
    return t;
  };
  const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
  const apps: INestApplication[] = [];
  const start = async (module: Parameters<typeof NestFactory.create>[0]) => {
    const app = await NestFactory.create(module, { rawBody: true, logger: ['error'] });
    installHttpEdge(app, authKeys);
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    return app;
  };
  const consent = await start(
    ConsentModule.register({
      adminDatabaseUrl: adminUrl,
      transport: await kafka('consent'),
      env: secrets,
      brand,
      publicBaseUrl: 'http://127.0.0.1',
    }),
  );
  const outreach = await start(
    OutreachModule.register({
      adminDatabaseUrl: adminUrl,
      transport: await kafka('outreach'),
      env: secrets,
      brand,
      publicBaseUrl: 'http://127.0.0.1',
    }),
  );

  // Subjects with an active SMS marketing consent, written as the QR door writes them.
  const consentDb = consent.get<DataSource>(CONSENT_DB);
  const ledger = consent.get(LedgerRepository);
  const contacts = loadContactKeys(secrets);
  const subjects = Array.from({ length: SUBJECTS }, () => randomUUID());
  for (let i = 0; i < subjects.length; i += 200) {
    await consentDb.transaction(async (tx) => {
      const events = [];
      for (const subjectRef of subjects.slice(i, i + 200)) {
        const entry = await ledger.append(tx, {
          brandId: brand.id,
          subjectRef,
          action: 'granted',
          purposes: ['marketing_messages'],
          channels: ['sms'],
          noticeHash: 'a'.repeat(64),
          door: 'parcel_qr',
          evidence: { bench: 'true' },
        });
        events.push({
          topic: TOPICS.consentGranted,
          key: subjectRef,
          event: {
            type: 'consent.granted.v1',
            subjectRef,
            brandId: brand.id,
            purposes: ['marketing_messages' as const],
            channels: ['sms' as const],
            contactPoints: [
              {
                channel: 'sms' as const,
                sealed: contacts.seal(`139${String(i).padStart(8, '0')}`, subjectRef),
              },
            ],
            noticeVersionHash: 'a'.repeat(64),
            door: 'parcel_qr' as const,
            evidenceRef: randomUUID(),
            link: {},
            ledgerSeq: entry.seq,
            effectiveAt: entry.at,
          },
        });
      }
      await addManyToOutbox<ConsentGrantedV1>(tx, events);
    });
  }
  const outreachDb = outreach.get<DataSource>(OUTREACH_DB);
  const waitFor = async (what: string, probe: () => Promise<boolean>) => {
    const deadline = Date.now() + 120_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await waitFor(
    'grants in outreach',
    async () =>
      (await outreachDb.query('SELECT count(*)::int AS n FROM consent_projection WHERE granted'))[0].n ===
      SUBJECTS,
  );

  // A campaign-sized stream of send-gate checks, running for the whole load.
  const gate = outreach.get(SendGate);
  const transport = transports[1];
  let checks = 0;
  let loading = true;
  const checker = (async () => {
    while (loading) {
      const s = subjects[checks % subjects.length];
      await outreachDb.transaction((tx) => gate.check(tx, transport, s, 'marketing_messages', 'sms'));
      checks++;
    }
  })();

  const signer = loadTokenSigner(secrets, 'UNSUBSCRIBE');
  const tokens = subjects.map((s) =>
    signer.sign(
      { s, b: brand.id, c: 'sms', u: 'marketing_messages' },
      { purpose: 'unsubscribe', expiresInSeconds: 3600 },
    ),
  );
  const address = consent.getHttpServer().address() as { port: number };
  let next = 0;
  const t0 = Date.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${address.port}`,
    connections: 16,
    amount: SUBJECTS,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: any) => {
          // The confirm page's form carries a signed nonce (CSRF); the benchmark makes the same one.
          const token = tokens[next++ % tokens.length];
          const nonce = issueFormNonce(signer, 'unsubscribe', token);
          return {
            ...req,
            path: `/u/${token}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `nonce=${encodeURIComponent(nonce)}`,
          };
        },
      },
    ],
  });
  const loadSeconds = (Date.now() - t0) / 1000;
  loading = false;
  await checker;

  await waitFor(
    'withdrawals in outreach',
    async () =>
      (await outreachDb.query('SELECT count(*)::int AS n FROM consent_projection WHERE NOT granted'))[0].n ===
      SUBJECTS,
  );
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const rows = (
    await admin.query(
      `SELECT extract(epoch FROM p.updated_at - l.at) * 1000 AS ms
         FROM consent.ledger l JOIN outreach.consent_projection p ON p.subject_ref = l.subject_ref
        WHERE l.action = 'withdrawn'`,
    )
  ).rows.map((r: { ms: string }) => Number(r.ms));
  await admin.end();

  console.log(`subjects: ${SUBJECTS}, connections: 16, Kafka partitions: 3`);
  console.log(
    `withdrawals: ${result.requests.total} requests (${result['2xx']} 2xx, ${result.non2xx} non-2xx) in ${loadSeconds.toFixed(1)} s = ${(result['2xx'] / loadSeconds).toFixed(0)} withdrawals/s`,
  );
  console.log(`HTTP latency: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  console.log(`send-gate checks during the load: ${checks} (${(checks / loadSeconds).toFixed(0)} checks/s)`);
  console.log(
    `propagation ledger commit → outreach projection: p50 ${pct(rows, 50).toFixed(0)} ms, p99 ${pct(rows, 99).toFixed(0)} ms, max ${Math.max(...rows).toFixed(0)} ms (target p99 ≤ 1000 ms)`,
  );

  for (const app of apps.reverse()) await app.close();
  for (const t of transports) await t.disconnect();
  await pg.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
