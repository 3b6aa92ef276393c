import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { adminQuery, bearer, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../outreach/test/outreach-harness';
import { PrivacyModule } from '../../privacy/src/privacy.module';

/** R14 correction end to end: the officer logs it, privacy fans it out, outreach corrects and answers. */
describe('correction requests from privacy to the service that holds the field (R14)', () => {
  const outreach = new OutreachHarness();
  let privacy: INestApplication;
  let http: App;
  let officer: string;

  beforeAll(async () => {
    await outreach.start({ runner: { pollMs: 0 } });
    const moduleRef = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: outreach.adminUrl,
          transport: outreach.transport,
          brandId: 'demo',
        }),
      ],
    }).compile();
    privacy = moduleRef.createNestApplication({ logger: ['error'] });
    installHttpEdge(privacy, outreach.authKeys);
    await privacy.init();
    http = privacy.getHttpServer();
    officer = await bearer(outreach.authKeys, 'privacy_officer');
  });
  afterAll(async () => {
    await privacy?.close();
    await outreach.stop();
  });

  const zoneOf = async (subjectRef: string) =>
    (
      await adminQuery<{ time_zone: string }>(
        outreach.adminUrl,
        'SELECT time_zone FROM outreach.recipient_time_zones WHERE subject_ref = $1',
        [subjectRef],
      )
    )[0]?.time_zone;

  async function completed(id: string) {
    return waitFor(
      async () => {
        const r = await request(http).get(`/api/v1/privacy/requests/${id}`).set('Authorization', officer);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      'the correction to complete',
      15_000,
    );
  }

  it("corrects a member's time zone in outreach and shows the receipt, waiting only for the service that holds it", async () => {
    const subjectRef = randomUUID();
    await outreach.grantOn(subjectRef, 'sms', '13900004444', 'Asia/Shanghai');
    await waitFor(async () => (await zoneOf(subjectRef)) === 'Asia/Shanghai', 'the granted time zone');
    const logged = await request(http)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'correct', correction: { field: 'time_zone', value: 'Asia/Urumqi' } })
      .expect(201);
    const done = await completed(logged.body.id);
    expect(done.kind).toBe('correct');
    expect(done.correction).toEqual({ field: 'time_zone', value: 'Asia/Urumqi' });
    expect(done.receipts).toEqual([
      expect.objectContaining({
        service: 'outreach',
        state: 'answered',
        lines: [expect.objectContaining({ category: 'time_zone', records: 1, status: 'corrected' })],
      }),
    ]);
    expect(await zoneOf(subjectRef)).toBe('Asia/Urumqi');
    const audit = await adminQuery<{ action: string; fields: string[] }>(
      outreach.adminUrl,
      'SELECT action, fields FROM privacy.audit_log WHERE subject = $1',
      [subjectRef],
    );
    expect(audit).toEqual([{ action: 'data-subject-request.correct.logged', fields: ['time_zone'] }]);
  });

  it('answers that nothing was held for a subject outreach does not message, and stores nothing', async () => {
    const subjectRef = randomUUID();
    const logged = await request(http)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'correct', correction: { field: 'time_zone', value: 'Asia/Tokyo' } })
      .expect(201);
    const done = await completed(logged.body.id);
    expect(done.receipts[0].lines).toEqual([
      expect.objectContaining({ category: 'time_zone', records: 0, status: 'held' }),
    ]);
    expect(await zoneOf(subjectRef)).toBeUndefined();
  });

  it('refuses a correction to a zone that does not exist, or a correction on another kind, naming the field', async () => {
    const subjectRef = randomUUID();
    const bad = await request(http)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'correct', correction: { field: 'time_zone', value: 'Mars/Olympus' } })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('correction.value');
    const missing = await request(http)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'correct' })
      .expect(400);
    expect(JSON.stringify(missing.body)).toContain('INVALID_CORRECTION');
    await request(http)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'access', correction: { field: 'time_zone', value: 'Asia/Tokyo' } })
      .expect(400);
    await request(http)
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef, kind: 'correct', correction: { field: 'phone', value: 'x' } })
      .expect(400);
    expect(
      await adminQuery(
        outreach.adminUrl,
        'SELECT 1 FROM privacy.data_subject_requests WHERE subject_ref = $1',
        [subjectRef],
      ),
    ).toEqual([]);
  });
});
