import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS, type AnsweringService, type HeldDataLine } from '@siyu/contracts';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';
import { RemindSilentServices } from './remind-silent-services.use-case';

const keys = testAuthKeys();

interface Harness {
  app: INestApplication;
  adminUrl: string;
  transport: InProcessTransport;
  /** Fan-out events as the answering services receive them. */
  fanOut: Record<string, unknown>[];
  announced: string[];
}

async function startPrivacy(services: AnsweringService[]): Promise<Harness> {
  const adminUrl = await createTestDatabase('privdsr');
  const transport = new InProcessTransport();
  const fanOut: Record<string, unknown>[] = [];
  const announced: string[] = [];
  await transport.ensureTopics([TOPICS.privacyAccessRequested, TOPICS.privacyErasureRequested]);
  await transport.subscribe(
    'test.services',
    [TOPICS.privacyAccessRequested, TOPICS.privacyErasureRequested],
    async (m) => void fanOut.push(JSON.parse(m.value)),
  );
  const moduleRef = await Test.createTestingModule({
    imports: [
      PrivacyModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        brandId: 'demo',
        answeringServices: services,
        announce: (line) => announced.push(line),
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  installHttpEdge(app, keys);
  await app.init();
  return { app, adminUrl, transport, fanOut, announced };
}

async function answer(
  h: Harness,
  service: AnsweringService,
  kind: 'access' | 'erasure',
  requestId: string,
  subjectRef: string,
  lines: HeldDataLine[],
): Promise<void> {
  const event = {
    eventId: randomUUID(),
    type: 'privacy.request-answered.v1',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    requestId,
    subjectRef,
    service,
    kind,
    lines,
  };
  await h.transport.publish([
    { topic: TOPICS.privacyRequestAnswered, key: subjectRef, value: JSON.stringify(event) },
  ]);
}

describe('data-subject requests (R14)', () => {
  let h: Harness;
  let officer: string;

  beforeAll(async () => {
    h = await startPrivacy(['consent', 'orders']);
    officer = await bearer(keys, 'privacy_officer');
  });
  afterAll(async () => {
    await h.app.close();
    await h.transport.disconnect();
  });

  it('fans an offline erasure request out to every service as one event carrying only refs', async () => {
    const subjectRef = randomUUID();
    const res = await request(h.app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('authorization', officer)
      .send({ subjectRef, kind: 'erasure' });
    expect(res.status).toBe(201);
    const sent = (await waitFor(
      async () => h.fanOut.find((e) => e.requestId === res.body.id),
      'the erasure fan-out event',
    )) as Record<string, unknown>;
    expect(Object.keys(sent).sort()).toEqual(
      ['brandId', 'eventId', 'occurredAt', 'requestId', 'schemaVersion', 'subjectRef', 'type'].sort(),
    );
    expect(sent.type).toBe('privacy.erasure-requested.v1');
    expect(sent.subjectRef).toBe(subjectRef);
    const [audit] = await adminQuery(
      h.adminUrl,
      'SELECT actor, action, purpose FROM privacy.audit_log WHERE subject = $1',
      [subjectRef],
    );
    expect(audit).toMatchObject({
      action: 'data-subject-request.erasure.logged',
      purpose: 'data_subject_rights',
    });
  });

  it('tracks each service to completion and shows every receipt, legal holds with their end', async () => {
    const subjectRef = randomUUID();
    const { body } = await request(h.app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('authorization', officer)
      .send({ subjectRef, kind: 'erasure' })
      .expect(201);

    await answer(h, 'consent', 'erasure', body.id, subjectRef, [
      {
        category: 'consent_ledger',
        records: 2,
        status: 'kept_as_proof',
        explanation: 'proof of consent (R10)',
      },
    ]);
    const half = await request(h.app.getHttpServer())
      .get(`/api/v1/privacy/requests/${body.id}`)
      .set('authorization', officer);
    expect(half.body.status).toBe('open');
    expect(half.body.receipts.map((r: { service: string; state: string }) => [r.service, r.state])).toEqual([
      ['consent', 'answered'],
      ['orders', 'waiting'],
    ]);

    await answer(h, 'orders', 'erasure', body.id, subjectRef, [
      {
        category: 'order_fulfilment',
        records: 1,
        status: 'kept_under_legal_hold',
        keptUntil: '2027-01-05T00:00:00.000Z',
        explanation: 'inside the after-sales window',
      },
    ]);
    const done = await waitFor(async () => {
      const r = await request(h.app.getHttpServer())
        .get(`/api/v1/privacy/requests/${body.id}`)
        .set('authorization', officer);
      return r.body.status === 'completed' ? r.body : undefined;
    }, 'the request to complete');
    expect(done.receipts[1].lines[0]).toMatchObject({
      status: 'kept_under_legal_hold',
      keptUntil: '2027-01-05T00:00:00.000Z',
    });
    expect(h.announced).toContain(`privacy: request ${body.id} completed, every service answered`);
  });

  it('ignores an answer that names another subject than the request', async () => {
    const subjectRef = randomUUID();
    const { body } = await request(h.app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('authorization', officer)
      .send({ subjectRef, kind: 'access' })
      .expect(201);
    await answer(h, 'consent', 'access', body.id, randomUUID(), [
      { category: 'consent_ledger', records: 9, status: 'held', explanation: 'someone else' },
    ]);
    await answer(h, 'consent', 'access', body.id, subjectRef, [
      { category: 'consent_ledger', records: 1, status: 'held', explanation: 'the grant' },
    ]);
    await answer(h, 'orders', 'access', body.id, subjectRef, []);
    const exported = await waitFor(async () => {
      const r = await request(h.app.getHttpServer())
        .get(`/api/v1/privacy/requests/${body.id}/export`)
        .set('authorization', officer);
      return r.status === 200 ? r.body : undefined;
    }, 'the access export');
    expect(exported.subjectRef).toBe(subjectRef);
    expect(exported.services).toEqual({
      consent: [{ category: 'consent_ledger', records: 1, status: 'held', explanation: 'the grant' }],
      orders: [],
    });
  });

  it('refuses the export while a service is silent, naming it', async () => {
    const subjectRef = randomUUID();
    const { body } = await request(h.app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('authorization', officer)
      .send({ subjectRef, kind: 'access' })
      .expect(201);
    await answer(h, 'consent', 'access', body.id, subjectRef, []);
    await waitFor(async () => {
      const r = await request(h.app.getHttpServer())
        .get(`/api/v1/privacy/requests/${body.id}`)
        .set('authorization', officer);
      return r.body.receipts?.[0]?.state === 'answered';
    }, 'consent answer recorded');
    const res = await request(h.app.getHttpServer())
      .get(`/api/v1/privacy/requests/${body.id}/export`)
      .set('authorization', officer);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'EXPORT_NOT_READY',
      message: `request ${body.id} still waits for orders`,
    });
  });

  it('reminds halfway through the window and escalates a service still silent at the deadline, once each', async () => {
    const subjectRef = randomUUID();
    const { body } = await request(h.app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('authorization', officer)
      .send({ subjectRef, kind: 'erasure' })
      .expect(201);
    await answer(h, 'consent', 'erasure', body.id, subjectRef, []);
    await waitFor(async () => {
      const r = await request(h.app.getHttpServer())
        .get(`/api/v1/privacy/requests/${body.id}`)
        .set('authorization', officer);
      return r.body.receipts?.[0]?.state === 'answered';
    }, 'consent answer recorded');

    const remind = h.app.get(RemindSilentServices);
    const due = Date.parse(body.dueAt);
    const mine = (xs: { requestId: string; service: string }[]) => xs.filter((x) => x.requestId === body.id);
    const early = await remind.execute(new Date(Date.now() + 60_000));
    expect(mine(early.reminded)).toEqual([]);
    const halfway = await remind.execute(new Date(due - 2 * 24 * 3600_000));
    expect(mine(halfway.reminded)).toEqual([{ requestId: body.id, service: 'orders' }]);
    expect(mine((await remind.execute(new Date(due - 24 * 3600_000))).reminded)).toEqual([]);
    const late = await remind.execute(new Date(due + 1000));
    expect(mine(late.escalated)).toEqual([{ requestId: body.id, service: 'orders' }]);
    expect(mine((await remind.execute(new Date(due + 2000))).escalated)).toEqual([]);
    expect(h.announced).toContain(`privacy: ESCALATION - orders missed the deadline of request ${body.id}`);
    const status = await request(h.app.getHttpServer())
      .get(`/api/v1/privacy/requests/${body.id}`)
      .set('authorization', officer);
    expect(status.body.receipts[1].state).toBe('waiting');
  });

  it('lets only a privacy officer log or read a request', async () => {
    const marketer = await bearer(keys, 'marketer');
    await request(h.app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('authorization', marketer)
      .send({ subjectRef: randomUUID(), kind: 'access' })
      .expect(403);
    await request(h.app.getHttpServer())
      .get(`/api/v1/privacy/requests/${randomUUID()}`)
      .set('authorization', marketer)
      .expect(403);
  });

  it('names the field when a request is malformed', async () => {
    const res = await request(h.app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('authorization', officer)
      .send({ subjectRef: 'not-a-uuid', kind: 'forget-me' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('subjectRef');
    expect(JSON.stringify(res.body)).toContain('kind');
  });
});
