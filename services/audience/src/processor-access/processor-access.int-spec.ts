import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { TOPICS, type ProcessorGrantField, type ProcessorGrantScope } from '@siyu/contracts';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { categoriesChanged, grant, release } from '../../test/audience-harness';
import type { DataSource } from 'typeorm';
import { AudienceModule } from '../audience.module';
import { AUDIENCE_DB } from '../audience.options';
import { MemberDataRepository } from '../members/member-data.repository';
import { ProcessorAccessRepository } from './processor-access.repository';

const keys = testAuthKeys();

describe('processor access: a segment as pseudonymous refs with only the granted fields (R15)', () => {
  let app: INestApplication;
  let http: App;
  let adminUrl: string;
  const transport = new InProcessTransport(3);
  const subjects: string[] = [];
  let segmentId: string;

  const publish = (topic: string, e: { subjectRef?: string; grantId?: string }) =>
    transport.publish([{ topic, key: e.subjectRef ?? e.grantId!, value: JSON.stringify(e) }]);
  const processor = (fields: ProcessorGrantField[], scope: Partial<ProcessorGrantScope> = {}) =>
    bearer(keys, 'processor', `key-${randomUUID().slice(0, 8)}`, { id: randomUUID(), fields, ...scope });
  const members = (auth: string, query = '') =>
    request(http)
      .get(`/api/v1/audience/processor-access/segments/${segmentId}/members${query}`)
      .set('Authorization', auth);

  beforeAll(async () => {
    adminUrl = await createTestDatabase('audprocessor');
    const moduleRef = await Test.createTestingModule({
      imports: [
        AudienceModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          brandId: 'demo',
          refreshEveryMs: 100,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    installHttpEdge(app, keys);
    await app.init();
    http = app.getHttpServer();
    const marketer = await bearer(keys, 'marketer');
    for (const body of [
      {
        key: 'spend_365',
        labels: { 'zh-CN': '近一年消费', en: 'Spend, last year' },
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'monetary_cents', windowDays: 365 },
      },
      {
        key: 'orders_365',
        labels: { 'zh-CN': '近一年订单', en: 'Orders, last year' },
        category: 'lifecycle',
        layer: 'fact',
        fact: { measure: 'order_count', windowDays: 365 },
      },
    ])
      await request(http).post('/api/v1/audience/tags').set('Authorization', marketer).send(body).expect(201);
    for (let i = 0; i < 5; i++) {
      const s = randomUUID();
      subjects.push(s);
      await publish(
        TOPICS.consentGranted,
        grant(s, ['marketing_messages', 'purchase_history', 'personalisation'], ['sms', 'wechat']),
      );
      await publish(TOPICS.ordersFactsReleased, release(s, [{ daysAgo: 3, amountCents: 10000 * (i + 1) }]));
    }
    // Wait for the tag refresh to give every member both tags.
    for (let i = 0; i < 100; i++) {
      const [{ n }] = await adminQuery<{ n: number }>(
        adminUrl,
        'SELECT count(*)::int AS n FROM audience.member_tags',
      );
      if (n >= 10) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    segmentId = (
      await request(http)
        .post('/api/v1/audience/segments')
        .set('Authorization', marketer)
        .send({ name: 'agency', purpose: 'marketing_messages', channel: 'sms', rule: null })
        .expect(201)
    ).body.id;
    await request(http)
      .post(`/api/v1/audience/segments/${segmentId}/materialize`)
      .set('Authorization', marketer)
      .expect(201);
  });
  afterAll(() => app?.close());

  it('returns per-grant pseudonyms and only the granted tag categories, never a subject ref or contact data', async () => {
    const auth = await processor(['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle']);
    const res = await members(auth, '?tagCategories=lifecycle').expect(200);
    expect(res.body.members).toHaveLength(5);
    for (const m of res.body.members) {
      expect(Object.keys(m).sort()).toEqual(['memberRef', 'tags']);
      expect(m.memberRef).toMatch(/^[0-9a-f]{64}$/);
      expect(m.tags).toEqual([{ tagKey: 'orders_365', category: 'lifecycle', value: 1 }]);
    }
    const body = JSON.stringify(res.body);
    for (const s of subjects) expect(body).not.toContain(s);
    // No phone, name, address or platform id can appear: no run of 7+ digits, no contact fields.
    const withoutIds = body.replace(/[0-9a-f]{64}|[0-9a-f-]{36}/g, 'ref');
    expect(withoutIds).not.toMatch(/\d{7}/);
    expect(withoutIds).not.toMatch(/phone|name|address|contact|openid/i);
    // Another grant sees other pseudonyms: two agencies cannot join their pages.
    const other = await members(await processor(['member_ref_pseudonymised', 'segment_membership'])).expect(
      200,
    );
    const mine = new Set(res.body.members.map((m: { memberRef: string }) => m.memberRef));
    expect(other.body.members.some((m: { memberRef: string }) => mine.has(m.memberRef))).toBe(false);
    expect(other.body.members[0]).toEqual({ memberRef: expect.any(String) });
  });

  it('refuses a tag category outside the grant with 403 PROCESSOR_FIELD_NOT_GRANTED, audited', async () => {
    const grantId = randomUUID();
    const auth = await processor(['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle'], {
      id: grantId,
    });
    const res = await members(auth, '?tagCategories=lifecycle,spending_power').expect(403);
    expect(res.body).toMatchObject({
      code: 'PROCESSOR_FIELD_NOT_GRANTED',
      message: `grant ${grantId} does not include: tag_values:spending_power`,
    });
    const noMembership = await members(await processor(['member_ref_pseudonymised'])).expect(403);
    expect(noMembership.body.message).toContain('segment_membership');
    const audit = await adminQuery<{ action: string; fields: string[]; outcome: string }>(
      adminUrl,
      `SELECT action, fields, outcome FROM audience.audit_log WHERE subject = 'processor-grant:${grantId}'`,
    );
    expect(audit).toEqual([
      {
        action: 'processor.refused',
        fields: [
          'PROCESSOR_FIELD_NOT_GRANTED',
          'GET /api/v1/audience/processor-access/segments/:segmentId/members',
        ],
        outcome: 'refused',
      },
    ]);
  });

  it('answers in capped pages that together hold each member once; a bigger page and a foreign cursor are refused', async () => {
    const auth = await processor(['member_ref_pseudonymised', 'segment_membership']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await members(
        auth,
        `?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      expect(page.body.members.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.members.map((m: { memberRef: string }) => m.memberRef));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
    const big = await members(auth, '?limit=500').expect(400);
    expect(big.body.errors.map((e: { field: string }) => e.field)).toEqual(['limit']);
    // A cursor is good only for the grant it was given to: another agency cannot page with it.
    const first = await members(auth, '?limit=2').expect(200);
    const other = await processor(['member_ref_pseudonymised', 'segment_membership']);
    const foreign = await members(other, `?limit=2&cursor=${first.body.nextCursor}`).expect(400);
    expect(foreign.body.code).toBe('PROCESSOR_CURSOR_UNKNOWN');
    const noCursor = await members(auth, '?cursor=abc').expect(400);
    expect(noCursor.body.errors.map((e: { field: string }) => e.field)).toEqual(['cursor']);
  });

  it('audits each call with the key as actor, the grant id and its purpose', async () => {
    const grantId = randomUUID();
    const keyId = `agency-key-${randomUUID().slice(0, 8)}`;
    const auth = await bearer(keys, 'processor', keyId, {
      id: grantId,
      purpose: 'campaign_analytics',
      fields: ['member_ref_pseudonymised', 'segment_membership', 'tag_values:lifecycle'],
    });
    await members(auth, '?tagCategories=lifecycle').expect(200);
    const audit = await adminQuery<{ actor: string; action: string; purpose: string; fields: string[] }>(
      adminUrl,
      `SELECT actor, action, purpose, fields FROM audience.audit_log WHERE subject = 'processor-grant:${grantId}'`,
    );
    expect(audit).toEqual([
      {
        actor: keyId,
        action: 'processor.segment-members.read',
        purpose: 'campaign_analytics',
        fields: [
          'member_ref_pseudonymised',
          'segment_membership',
          'tag_values:lifecycle',
          `segment:${segmentId}`,
          'members:5',
        ],
      },
    ]);
  });

  it('shows consented channels only under a grant that names them, and never a closed tag category', async () => {
    const closed = subjects[0];
    await publish(TOPICS.tagCategoriesChanged, categoriesChanged(closed, ['lifecycle']));
    const auth = await processor([
      'member_ref_pseudonymised',
      'segment_membership',
      'consented_channels',
      'tag_values:lifecycle',
    ]);
    const res = await members(auth, '?tagCategories=lifecycle').expect(200);
    for (const m of res.body.members) expect(m.consentedChannels).toEqual(['sms', 'wechat']);
    const withoutTags = res.body.members.filter((m: { tags: unknown[] }) => m.tags.length === 0);
    expect(withoutTags).toHaveLength(1);
  });

  it('refuses a grant at once when its ended event is recorded, though its token is still valid', async () => {
    const grantId = randomUUID();
    const auth = await processor(['member_ref_pseudonymised', 'segment_membership'], { id: grantId });
    await members(auth).expect(200);
    await publish(TOPICS.privacyProcessorGrantEnded, {
      eventId: randomUUID(),
      type: 'privacy.processor-grant-ended.v1',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      grantId,
      brandId: 'demo',
      endedAt: new Date().toISOString(),
      reason: 'revoked',
    } as never);
    const refused = await members(auth).expect(403);
    expect(refused.body.code).toBe('PROCESSOR_GRANT_ENDED');
  });

  it("stops at the grant's end: the token expires with the grant", async () => {
    const auth = await processor(['member_ref_pseudonymised', 'segment_membership'], {
      until: new Date(Date.now() + 1500).toISOString(),
    });
    await members(auth).expect(200);
    await new Promise((r) => setTimeout(r, 1600));
    const after = await members(auth);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('TOKEN_INVALID');
  });

  it('refuses the processor role on every other audience route', async () => {
    const auth = await processor(['member_ref_pseudonymised', 'segment_membership']);
    await request(http).get('/api/v1/audience/segments').set('Authorization', auth).expect(403);
    await request(http)
      .get(`/api/v1/audience/segments/${segmentId}/sample`)
      .set('Authorization', auth)
      .expect(403);
    await request(http).get('/api/v1/audience/tags').set('Authorization', auth).expect(403);
  });

  it('erasing a member deletes any agency page cursor that stands for it (R14)', async () => {
    const ds = app.get<DataSource>(AUDIENCE_DB);
    const erased = randomUUID();
    const kept = randomUUID();
    const access = app.get(ProcessorAccessRepository);
    await ds.transaction(async (tx) => {
      for (const subject of [erased, kept])
        await access.saveCursor(tx, {
          token: randomUUID(),
          grantId: randomUUID(),
          segmentId,
          afterSubjectRef: subject,
        });
    });
    await ds.transaction((tx) => app.get(MemberDataRepository).deleteAllButSuppression(tx, erased));
    const left = await adminQuery<{ after_subject_ref: string }>(
      adminUrl,
      'SELECT after_subject_ref FROM audience.processor_page_cursors WHERE after_subject_ref = ANY($1::uuid[])',
      [[erased, kept]],
    );
    expect(left).toEqual([{ after_subject_ref: kept }]);
  });
});
