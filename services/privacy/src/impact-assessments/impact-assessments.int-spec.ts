import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';

const keys = testAuthKeys();
const assessment = (subjectKey: string) => ({
  subjectKey,
  summary: 'segments select campaign recipients from tags and released purchase facts',
  risks: 'exclusion or over-targeting; inference of sensitive traits',
  measures: 'consent and closed categories are implicit guards; one offer per campaign (R13)',
  conclusion: 'acceptable_with_measures',
});

describe('impact-assessment register (R18, PIPL Arts. 55–56)', () => {
  let app: INestApplication;
  let http: App;
  let adminUrl: string;
  let officer: string;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('privpia');
    const moduleRef = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          brandId: 'demo',
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

  it('lists as missing every marketing purpose, automated decision, processor and minors until assessed', async () => {
    const res = await request(http)
      .get('/api/v1/privacy/impact-assessments')
      .set('Authorization', officer)
      .expect(200);
    const missing = res.body.missing.map((m: { subjectKey: string }) => m.subjectKey);
    expect(missing).toEqual(
      expect.arrayContaining([
        'purpose:marketing_messages',
        'purpose:sensitive_profiling',
        'automated_decision:segment_targeting',
        'processor:aliyun-sms',
        'processor:wecom',
        'minors:under_14',
      ]),
    );
  });

  it('records an assessment kept three years, audited, and no longer lists its subject as missing', async () => {
    const created = await request(http)
      .post('/api/v1/privacy/impact-assessments')
      .set('Authorization', officer)
      .send(assessment('automated_decision:segment_targeting'))
      .expect(201);
    const years =
      (Date.parse(created.body.keepUntil) - Date.parse(created.body.assessedAt)) / (365.25 * 86_400_000);
    expect(years).toBeCloseTo(3, 1);
    const res = await request(http)
      .get('/api/v1/privacy/impact-assessments')
      .set('Authorization', officer)
      .expect(200);
    expect(res.body.assessments).toEqual([
      expect.objectContaining({ id: created.body.id, conclusion: 'acceptable_with_measures' }),
    ]);
    expect(res.body.missing.map((m: { subjectKey: string }) => m.subjectKey)).not.toContain(
      'automated_decision:segment_targeting',
    );
    const audit = await adminQuery<{ action: string; fields: string[] }>(
      adminUrl,
      'SELECT action, fields FROM privacy.audit_log WHERE subject = $1',
      [`impact-assessment:${created.body.id}`],
    );
    expect(audit).toEqual([
      { action: 'impact-assessment.recorded', fields: ['automated_decision:segment_targeting'] },
    ]);
  });

  it('refuses an assessment of something the code does not do, naming the field, and anyone but the officer', async () => {
    const res = await request(http)
      .post('/api/v1/privacy/impact-assessments')
      .set('Authorization', officer)
      .send(assessment('processor:some-agency'))
      .expect(400);
    expect(res.body).toMatchObject({ code: 'UNKNOWN_ASSESSMENT_SUBJECT' });
    expect(res.body.message).toContain('subjectKey');
    await request(http)
      .post('/api/v1/privacy/impact-assessments')
      .set('Authorization', await bearer(keys, 'marketer'))
      .send(assessment('purpose:personalisation'))
      .expect(403);
  });
});
