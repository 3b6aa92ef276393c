import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import request from 'supertest';
import type { App } from 'supertest/types';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { ENTRUSTMENT_DUTIES } from '../../privacy/src/processors/processor-register';
import { WatchProcessorDeletions } from '../../privacy/src/processor-grants/watch-processor-deletions.use-case';
import { StandaloneModule } from '../src/standalone.module';
import {
  amountToOrderRef,
  consentThroughQr,
  FIXTURE,
  forbiddenInEvents,
  spyOnEvents,
  tmallCsv,
} from './walking-skeleton.flow';

const DAY = 86_400_000;

/**
 * R15 end to end in one process: a privacy officer's grant → the agency's API key → a token carrying
 * the grant → only the granted fields → 403 outside them → revocation → 403 on the very next call →
 * audit rows naming the grant → no deletion confirmation → escalation.
 */
describe('entrusted processors: a grant, an agency key, only the granted fields, and an end that holds (R15)', () => {
  let app: INestApplication;
  let http: App;
  let adminUrl: string;
  const authKeys = testAuthKeys();
  const transport = new InProcessTransport(3);
  const secrets = generateSecretsEnv();
  const announced: string[] = [];
  let officer: string;
  let admin: string;
  let segmentId: string;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('processorgrants');
    const events = await spyOnEvents(transport, [TOPICS.ordersIngested]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: { ...secrets, PRIVACY_PROCESSOR_DELETION_DAYS: '15' },
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: (line) => announced.push(line),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, authKeys);
    await app.init();
    http = app.getHttpServer();
    officer = await bearer(authKeys, 'privacy_officer');
    admin = await bearer(authKeys, 'admin');
    const ops = await bearer(authKeys, 'ops');
    const marketer = await bearer(authKeys, 'marketer');
    // Real customers with real PII in the system: an import, then two buyers consent by parcel card.
    await request(http)
      .post('/api/v1/orders/imports?platform=tmall&shop=shop-1')
      .set('Authorization', ops)
      .set('Content-Type', 'text/csv')
      .send(tmallCsv())
      .expect(201);
    const refs = await amountToOrderRef(events, 3);
    const harness = {
      adminUrl,
      authKeys,
      secrets,
      http: { orders: http, consent: http, audience: http, outreach: http },
    };
    await consentThroughQr(harness, refs.get(19900)!, FIXTURE.buyerA.phone);
    await consentThroughQr(harness, refs.get(4200)!, FIXTURE.buyerC.phone);
    segmentId = (
      await request(http)
        .post('/api/v1/audience/segments')
        .set('Authorization', marketer)
        .send({ name: 'agency plan', purpose: 'marketing_messages', channel: 'sms' })
        .expect(201)
    ).body.id;
    await waitFor(async () => {
      const m = await request(http)
        .post(`/api/v1/audience/segments/${segmentId}/materialize`)
        .set('Authorization', marketer)
        .expect(201);
      return m.body.size === 2;
    }, 'both consenting buyers in the segment');
  }, 180_000);
  afterAll(() => app?.close());

  const issueGrant = (overrides: Record<string, unknown> = {}) =>
    request(http)
      .post('/api/v1/privacy/processor-grants')
      .set('Authorization', officer)
      .send({
        processorName: '星河营销咨询有限公司',
        contractReference: 'DPA-2026-031',
        purpose: 'campaign_planning',
        fields: [
          'member_ref_pseudonymised',
          'segment_membership',
          'consented_channels',
          'tag_values:lifecycle',
        ],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: new Date(Date.now() + 30 * DAY).toISOString(),
        dutiesAcknowledged: [...ENTRUSTMENT_DUTIES],
        ...overrides,
      })
      .expect(201);

  /** The admin binds an agency key to the grant once identity has recorded privacy's event. */
  async function agencyKey(grantId: string): Promise<{ id: string; key: string }> {
    let created: request.Response | undefined;
    await waitFor(async () => {
      created = await request(http)
        .post('/api/v1/identity/api-keys')
        .set('Authorization', admin)
        .send({ name: 'xinghe-agency', role: 'processor', grantId });
      if (created.status !== 201) expect(created.body.code).toBe('GRANT_UNKNOWN');
      return created.status === 201;
    }, 'identity knows the grant');
    return created!.body;
  }
  const tokenFor = (key: string) => request(http).post('/api/v1/identity/tokens').set('X-Api-Key', key);
  const members = (token: string, query = '') =>
    request(http)
      .get(`/api/v1/audience/processor-access/segments/${segmentId}/members${query}`)
      .set('Authorization', `Bearer ${token}`);

  it('grant → agency key → granted fields only → 403 outside → revoke → 403 at once → audit → escalation', async () => {
    const grant = (await issueGrant()).body;
    const key = await agencyKey(grant.id);
    const exchanged = await tokenFor(key.key).expect(200);
    const claims = decodeJwt(exchanged.body.token);
    expect(claims).toMatchObject({
      role: 'processor',
      sub: key.id,
      grant: { id: grant.id, purpose: 'campaign_planning', fields: grant.fields, until: grant.validUntil },
    });
    const token: string = exchanged.body.token;

    const page = await members(token, '?tagCategories=lifecycle').expect(200);
    expect(page.body).toMatchObject({
      grantId: grant.id,
      purpose: 'campaign_planning',
      segmentId,
      nextCursor: null,
    });
    expect(page.body.members).toHaveLength(2);
    for (const m of page.body.members) {
      expect(Object.keys(m).sort()).toEqual(['consentedChannels', 'memberRef', 'tags']);
      expect(m.consentedChannels).toEqual(['sms']);
    }

    const outside = await members(token, '?tagCategories=spending_power').expect(403);
    expect(outside.body.code).toBe('PROCESSOR_FIELD_NOT_GRANTED');
    for (const [path, method] of [
      ['/api/v1/audience/segments', 'get'],
      [`/api/v1/audience/segments/${segmentId}/sample`, 'get'],
      ['/api/v1/privacy/processor-grants', 'get'],
      ['/api/v1/orders/imports', 'get'],
    ] as const) {
      const refused = await request(http)[method](path).set('Authorization', `Bearer ${token}`);
      expect([path, refused.status, refused.body.code]).toEqual([path, 403, 'ROLE_NOT_ALLOWED']);
    }

    const revoked = await request(http)
      .post(`/api/v1/privacy/processor-grants/${grant.id}/revocation`)
      .set('Authorization', officer)
      .expect(200);
    expect(revoked.body.state).toBe('revoked');
    // The very next call, with a token that has not expired, is refused.
    expect(Number(claims.exp) * 1000).toBeGreaterThan(Date.now());
    const after = await members(token).expect(403);
    expect(after.body.code).toBe('PROCESSOR_GRANT_ENDED');
    expect((await tokenFor(key.key).expect(409)).body.code).toBe('PROCESSOR_GRANT_ENDED');

    const reads = await adminQuery<{ actor: string; action: string; purpose: string; outcome: string }>(
      adminUrl,
      `SELECT actor, action, purpose, outcome FROM audience.audit_log WHERE subject = $1 ORDER BY seq`,
      [`processor-grant:${grant.id}`],
    );
    expect(reads).toEqual([
      {
        actor: key.id,
        action: 'processor.segment-members.read',
        purpose: 'campaign_planning',
        outcome: 'allowed',
      },
      { actor: key.id, action: 'processor.refused', purpose: 'campaign_planning', outcome: 'refused' },
      { actor: key.id, action: 'processor.refused', purpose: 'campaign_planning', outcome: 'refused' },
    ]);
    const officerTrail = await adminQuery<{ action: string }>(
      adminUrl,
      'SELECT action FROM privacy.audit_log WHERE subject = $1 ORDER BY seq',
      [`processor-grant:${grant.id}`],
    );
    expect(officerTrail.map((r) => r.action)).toEqual(['processor-grant.issued', 'processor-grant.revoked']);

    // No deletion confirmation 16 days later (15 configured): escalated, without the agency's name.
    const watch = app.get(WatchProcessorDeletions, { strict: false });
    expect((await watch.execute(new Date(Date.now() + 14 * DAY))).escalated).not.toContain(grant.id);
    expect((await watch.execute(new Date(Date.now() + 16 * DAY))).escalated).toContain(grant.id);
    const line = announced.find((l) => l.includes(grant.id) && l.includes('ESCALATION'));
    expect(line).toContain('no deletion confirmation after 15 days');
    expect(line).not.toContain('星河');
    const confirmed = await request(http)
      .post(`/api/v1/privacy/processor-grants/${grant.id}/deletion-confirmation`)
      .set('Authorization', officer)
      .send({ reference: 'DEL-2027-004' })
      .expect(200);
    expect(confirmed.body).toMatchObject({
      deletionReference: 'DEL-2027-004',
      deletionEscalatedAt: expect.any(String),
    });
  }, 120_000);

  it('the agency sees no contact data: no phone, name, address, platform id or subject ref of a real buyer', async () => {
    const grant = (await issueGrant()).body;
    const key = await agencyKey(grant.id);
    const token = (await tokenFor(key.key).expect(200)).body.token;
    const body = JSON.stringify((await members(token, '?tagCategories=lifecycle').expect(200)).body);
    for (const pii of forbiddenInEvents()) expect(body).not.toContain(pii);
    const subjects = await adminQuery<{ subject_ref: string }>(
      adminUrl,
      'SELECT subject_ref FROM audience.members',
    );
    expect(subjects).toHaveLength(2);
    for (const s of subjects) expect(body).not.toContain(s.subject_ref);
  }, 60_000);

  it("access stops at the grant's end by itself: the token never outlives the grant", async () => {
    const until = new Date(Date.now() + 4000);
    const grant = (await issueGrant({ validUntil: until.toISOString() })).body;
    const key = await agencyKey(grant.id);
    const exchanged = await tokenFor(key.key).expect(200);
    expect(decodeJwt(exchanged.body.token).exp).toBeLessThanOrEqual(Math.floor(until.getTime() / 1000));
    await members(exchanged.body.token).expect(200);
    await new Promise((r) => setTimeout(r, Math.max(0, until.getTime() - Date.now()) + 100));
    const after = await members(exchanged.body.token);
    expect(after.status).toBe(401);
    expect((await tokenFor(key.key).expect(409)).body.code).toBe('PROCESSOR_GRANT_ENDED');
  }, 60_000);
});
