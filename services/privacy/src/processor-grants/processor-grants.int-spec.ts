import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { siyuMetrics } from '@siyu/observability';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';
import { ENTRUSTMENT_DUTIES } from '../processors/processor-register';
import { WatchProcessorDeletions } from './watch-processor-deletions.use-case';

const keys = testAuthKeys();
const DAY = 86_400_000;

function grantBody(overrides: Record<string, unknown> = {}) {
  return {
    processorName: 'Xinghe Marketing Consulting Co.',
    contractReference: 'DPA-2026-031',
    purpose: 'campaign_planning',
    fields: ['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle'],
    validFrom: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
    dutiesAcknowledged: [...ENTRUSTMENT_DUTIES],
    ...overrides,
  };
}

describe('processor grants (R15)', () => {
  let app: INestApplication;
  let http: App;
  let adminUrl: string;
  let officer: string;
  const announced: string[] = [];
  const published: { type: string; grantId: string; raw: string }[] = [];
  const transport = new InProcessTransport();

  /** Events the relay published about one grant (waits for the relay, which runs on its own). */
  async function eventsOf(grantId: string, count: number) {
    for (let i = 0; i < 100 && published.filter((e) => e.grantId === grantId).length < count; i++)
      await new Promise((r) => setTimeout(r, 50));
    return published.filter((e) => e.grantId === grantId);
  }

  beforeAll(async () => {
    adminUrl = await createTestDatabase('privgrants');
    await transport.subscribe(
      'test.grant-events',
      ['privacy.processor-grant-issued.v1', 'privacy.processor-grant-ended.v1'],
      async (m) => {
        const e = JSON.parse(m.value);
        published.push({ type: e.type, grantId: e.grantId, raw: m.value });
      },
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          brandId: 'demo',
          env: { PRIVACY_PROCESSOR_DELETION_DAYS: '10' },
          announce: (line) => announced.push(line),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
    http = app.getHttpServer();
    officer = await bearer(keys, 'privacy_officer');
  });
  afterAll(() => app?.close());

  const issue = (body: Record<string, unknown>) =>
    request(http).post('/api/v1/privacy/processor-grants').set('Authorization', officer).send(body);

  it('issues a grant with its fields, period and duties, audited and announced to identity by an event; listing and reading are audited', async () => {
    const res = await issue(grantBody()).expect(201);
    expect(res.body).toMatchObject({
      processorName: 'Xinghe Marketing Consulting Co.',
      purpose: 'campaign_planning',
      fields: ['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle'],
      state: 'active',
      endedAt: null,
      deletionConfirmedAt: null,
    });
    const id = res.body.id;
    const audit = await adminQuery<{ action: string; fields: string[] }>(
      adminUrl,
      `SELECT action, fields FROM privacy.audit_log WHERE subject = 'processor-grant:${id}'`,
    );
    expect(audit).toEqual([
      {
        action: 'processor-grant.issued',
        fields: ['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle'],
      },
    ]);
    const events = await eventsOf(id, 1);
    expect(events.map((e) => JSON.parse(e.raw))).toEqual([
      expect.objectContaining({
        type: 'privacy.processor-grant-issued.v1',
        purpose: 'campaign_planning',
        fields: ['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle'],
      }),
    ]);
    // The agency's name stays in privacy: events carry ids, purposes and field names only.
    expect(events[0].raw).not.toContain('Xinghe');
    const listed = await request(http)
      .get('/api/v1/privacy/processor-grants')
      .set('Authorization', officer)
      .expect(200);
    expect(listed.body.grants.map((g: { id: string }) => g.id)).toContain(id);
    await request(http)
      .get(`/api/v1/privacy/processor-grants/${id}`)
      .set('Authorization', officer)
      .expect(200)
      .expect((r) => expect(r.body.id).toBe(id));
    const reads = await adminQuery<{ action: string; subject: string }>(
      adminUrl,
      `SELECT action, subject FROM privacy.audit_log WHERE action IN ('processor-grant.listed', 'processor-grant.read')
        AND (subject = 'processor-grants' OR subject = 'processor-grant:${id}') ORDER BY seq`,
    );
    expect(reads).toEqual([
      { action: 'processor-grant.listed', subject: 'processor-grants' },
      { action: 'processor-grant.read', subject: `processor-grant:${id}` },
    ]);
  });

  it('refuses contact data and unknown fields, naming the field and the catalogue', async () => {
    for (const field of ['phone', 'name', 'address', 'contact_point']) {
      const res = await issue(grantBody({ fields: ['segment_membership', field] })).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.body.errors)).toContain('fields');
      expect(JSON.stringify(res.body.errors)).toContain('member_ref_pseudonymised');
    }
    const empty = await issue(grantBody({ fields: [] })).expect(400);
    expect(JSON.stringify(empty.body.errors)).toContain('fields');
    const purpose = await issue(grantBody({ purpose: 'resale' })).expect(400);
    expect(JSON.stringify(purpose.body.errors)).toContain('purpose');
  });

  it('refuses a period that ends before it starts, is already over, or exceeds a year', async () => {
    const backwards = await issue(
      grantBody({ validFrom: '2027-02-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }),
    ).expect(400);
    expect(backwards.body).toMatchObject({
      code: 'INVALID_PERIOD',
      message: 'validUntil must be after validFrom',
    });
    const past = await issue(
      grantBody({ validFrom: '2020-01-01T00:00:00Z', validUntil: '2020-02-01T00:00:00Z' }),
    ).expect(400);
    expect(past.body).toMatchObject({ code: 'INVALID_PERIOD', message: 'validUntil is already past' });
    const long = await issue(
      grantBody({ validUntil: new Date(Date.now() + 400 * DAY).toISOString() }),
    ).expect(400);
    expect(long.body.code).toBe('INVALID_PERIOD');
    const noDate = await issue(grantBody({ validUntil: 'next month' })).expect(400);
    expect(JSON.stringify(noDate.body.errors)).toContain('validUntil');
  });

  it('refuses a grant whose contract lacks one of the Art. 21 duties, naming it', async () => {
    const res = await issue(grantBody({ dutiesAcknowledged: ENTRUSTMENT_DUTIES.slice(0, 3) })).expect(400);
    expect(res.body.code).toBe('DUTIES_NOT_ACKNOWLEDGED');
    expect(res.body.message).toContain('return or delete the data when the entrustment ends');
  });

  it('revokes a grant once, with an ended event and an audit entry; a second revocation is a conflict', async () => {
    const id = (await issue(grantBody()).expect(201)).body.id;
    const res = await request(http)
      .post(`/api/v1/privacy/processor-grants/${id}/revocation`)
      .set('Authorization', officer)
      .expect(200);
    expect(res.body).toMatchObject({ state: 'revoked', endedAt: expect.any(String) });
    await request(http)
      .post(`/api/v1/privacy/processor-grants/${id}/revocation`)
      .set('Authorization', officer)
      .expect(409)
      .expect((r) => expect(r.body.code).toBe('GRANT_ALREADY_ENDED'));
    const events = await eventsOf(id, 2);
    expect(events.map((e) => e.type)).toEqual([
      'privacy.processor-grant-issued.v1',
      'privacy.processor-grant-ended.v1',
    ]);
    const audit = await adminQuery<{ action: string }>(
      adminUrl,
      `SELECT action FROM privacy.audit_log WHERE subject = 'processor-grant:${id}' ORDER BY seq`,
    );
    expect(audit.map((a) => a.action)).toEqual(['processor-grant.issued', 'processor-grant.revoked']);
    await request(http)
      .post('/api/v1/privacy/processor-grants/00000000-0000-4000-8000-000000000000/revocation')
      .set('Authorization', officer)
      .expect(404)
      .expect((r) => expect(r.body.code).toBe('GRANT_NOT_FOUND'));
  });

  it('records the deletion confirmation only after the grant ended, and only once', async () => {
    const id = (await issue(grantBody()).expect(201)).body.id;
    const confirm = () =>
      request(http)
        .post(`/api/v1/privacy/processor-grants/${id}/deletion-confirmation`)
        .set('Authorization', officer)
        .send({ reference: 'DEL-2027-004' });
    expect((await confirm().expect(409)).body.code).toBe('GRANT_NOT_ENDED');
    await request(http)
      .post(`/api/v1/privacy/processor-grants/${id}/revocation`)
      .set('Authorization', officer)
      .expect(200);
    const res = await confirm().expect(200);
    expect(res.body).toMatchObject({
      deletionReference: 'DEL-2027-004',
      deletionConfirmedAt: expect.any(String),
    });
    expect((await confirm().expect(409)).body.code).toBe('DELETION_ALREADY_CONFIRMED');
  });

  it('escalates, once, a grant whose deletion is unconfirmed after the configured days, with no PII in the line', async () => {
    const watch = app.get(WatchProcessorDeletions);
    const id = (await issue(grantBody()).expect(201)).body.id;
    await request(http)
      .post(`/api/v1/privacy/processor-grants/${id}/revocation`)
      .set('Authorization', officer)
      .expect(200);
    // 9 days after the revocation: still inside the 10 configured days.
    expect((await watch.execute(new Date(Date.now() + 9 * DAY))).escalated).not.toContain(id);
    const later = new Date(Date.now() + 11 * DAY);
    expect((await watch.execute(later)).escalated).toContain(id);
    expect((await watch.execute(later)).escalated).not.toContain(id);
    const line = announced.find((l) => l.includes(id))!;
    expect(line).toMatch(/ESCALATION - processor grant .* no deletion confirmation after 10 days/);
    expect(line).not.toContain('Xinghe');
    expect((await siyuMetrics.processorDeletionsUnconfirmed.get()).values[0].value).toBeGreaterThanOrEqual(1);
    const audit = await adminQuery<{ actor: string }>(
      adminUrl,
      `SELECT actor FROM privacy.audit_log WHERE subject = 'processor-grant:${id}' AND action = 'processor-grant.deletion-escalated'`,
    );
    expect(audit).toEqual([{ actor: 'privacy:processor-deletion-watch' }]);
    const shown = await request(http)
      .get(`/api/v1/privacy/processor-grants/${id}`)
      .set('Authorization', officer)
      .expect(200);
    expect(shown.body.deletionEscalatedAt).toEqual(expect.any(String));
  });

  it('lets only the privacy officer manage grants', async () => {
    for (const role of ['marketer', 'ops', 'admin'] as const) {
      await request(http)
        .get('/api/v1/privacy/processor-grants')
        .set('Authorization', await bearer(keys, role))
        .expect(403);
      await request(http)
        .post('/api/v1/privacy/processor-grants')
        .set('Authorization', await bearer(keys, role))
        .send(grantBody())
        .expect(403);
    }
  });
});
