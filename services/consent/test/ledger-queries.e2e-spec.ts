import request from 'supertest';
import { adminQuery, bearer } from '@siyu/testing';
import {
  consentThroughQr,
  freshPhone,
  nonceIn,
  startConsentApp,
  unsubscribeToken,
  type ConsentTestApp,
} from './consent-test-app';

describe('consent ledger queries for privacy officers (R20)', () => {
  let t: ConsentTestApp;
  let officer: string;

  beforeAll(async () => {
    t = await startConsentApp();
    officer = await bearer(t.authKeys, 'privacy_officer');
  });
  afterAll(async () => t?.close());

  async function withdrawSmsMarketing(subjectRef: string) {
    const token = unsubscribeToken(t, subjectRef, 'sms', 'marketing_messages');
    const confirm = await request(t.http).get(`/u/${token}`).expect(200);
    await request(t.http)
      .post(`/u/${token}`)
      .type('form')
      .send({ nonce: nonceIn(confirm.text) })
      .expect(200);
  }

  it('answers the current state per purpose and channel, and the state as of a past moment', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    await new Promise((r) => setTimeout(r, 20));
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await withdrawSmsMarketing(subjectRef);

    const now = await request(t.http)
      .get(`/api/v1/consent/subjects/${subjectRef}/state`)
      .set('Authorization', officer)
      .expect(200);
    const granted = (body: { state: { purpose: string; channel: string; granted: boolean }[] }) =>
      body.state
        .filter((s) => s.granted)
        .map((s) => `${s.purpose}:${s.channel}`)
        .sort();
    expect(granted(now.body)).toEqual([
      'marketing_messages:wechat',
      'purchase_history:sms',
      'purchase_history:wechat',
    ]);

    const past = await request(t.http)
      .get(`/api/v1/consent/subjects/${subjectRef}/state`)
      .query({ asOf: between })
      .set('Authorization', officer)
      .expect(200);
    expect(past.body.asOf).toBe(between);
    expect(granted(past.body)).toEqual([
      'marketing_messages:sms',
      'marketing_messages:wechat',
      'purchase_history:sms',
      'purchase_history:wechat',
    ]);

    const beforeAnything = await request(t.http)
      .get(`/api/v1/consent/subjects/${subjectRef}/state`)
      .query({ asOf: '2020-01-01T00:00:00Z' })
      .set('Authorization', officer)
      .expect(200);
    expect(beforeAnything.body.state).toEqual([]);
  });

  it('lists the full history of one subject with notice hash, door and minimal evidence, no phone', async () => {
    const phone = freshPhone();
    const subjectRef = await consentThroughQr(t, phone);
    await withdrawSmsMarketing(subjectRef);
    const history = await request(t.http)
      .get(`/api/v1/consent/subjects/${subjectRef}/history`)
      .set('Authorization', officer)
      .expect(200);
    expect(history.body.entries.map((e: { action: string }) => e.action)).toEqual(['granted', 'withdrawn']);
    const [grant, withdrawal] = history.body.entries;
    expect(grant).toMatchObject({ door: 'parcel_qr', noticeHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(grant.evidence).toMatchObject({ contactVerifiedBy: 'sms_otp', tokenId: expect.any(String) });
    expect(withdrawal).toMatchObject({
      source: 'unsubscribe_link',
      purposes: ['marketing_messages'],
      channels: ['sms'],
    });
    expect(JSON.stringify(history.body)).not.toContain(phone);
    expect(JSON.stringify(history.body)).not.toContain(phone.slice(-4) + '"');
  });

  it('refuses a malformed subject ref or moment with a precise 400', async () => {
    await request(t.http)
      .get('/api/v1/consent/subjects/not-a-uuid/history')
      .set('Authorization', officer)
      .expect(400);
    const bad = await request(t.http)
      .get(`/api/v1/consent/subjects/${crypto.randomUUID()}/state`)
      .query({ asOf: 'yesterday' })
      .set('Authorization', officer)
      .expect(400);
    expect(bad.body.errors[0].field).toBe('asOf');
  });

  it('is open to privacy officers and admins only', async () => {
    const path = `/api/v1/consent/subjects/${crypto.randomUUID()}/history`;
    await request(t.http)
      .get(path)
      .set('Authorization', await bearer(t.authKeys, 'admin'))
      .expect(200);
    await request(t.http)
      .get(path)
      .set('Authorization', await bearer(t.authKeys, 'marketer'))
      .expect(403);
    await request(t.http)
      .get(path)
      .set('Authorization', await bearer(t.authKeys, 'ops'))
      .expect(403);
    await request(t.http).get('/api/v1/consent/ledger/verify').expect(401);
  });

  it('verifies an intact chain and names the first entry a superuser edited, until it is restored', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    await withdrawSmsMarketing(subjectRef);
    await consentThroughQr(t, freshPhone());
    const intact = await request(t.http)
      .get('/api/v1/consent/ledger/verify')
      .set('Authorization', officer)
      .expect(200);
    expect(intact.body).toMatchObject({ intact: true, entries: expect.any(Number), problems: [] });
    expect(intact.body.brokenSeq).toBeUndefined();

    const [target] = await adminQuery<{ seq: string; purposes: string[] }>(
      t.adminUrl,
      `SELECT seq, purposes FROM consent.ledger WHERE subject_ref = $1 AND action = 'withdrawn'`,
      [subjectRef],
    );
    await tamper(`UPDATE consent.ledger SET purposes = '{purchase_history}' WHERE seq = ${target.seq}`);
    const broken = await request(t.http)
      .get('/api/v1/consent/ledger/verify')
      .set('Authorization', officer)
      .expect(200);
    expect(broken.body).toMatchObject({
      intact: false,
      entries: intact.body.entries,
      brokenSeq: Number(target.seq),
      problems: [expect.stringContaining(`entry seq ${target.seq} does not follow from its content`)],
    });

    await tamper(`UPDATE consent.ledger SET purposes = '{marketing_messages}' WHERE seq = ${target.seq}`);
    const restored = await request(t.http).get('/api/v1/consent/ledger/verify').set('Authorization', officer);
    expect(restored.body.intact).toBe(true);
  });

  it('names the entry after one a superuser removed', async () => {
    await consentThroughQr(t, freshPhone());
    await consentThroughQr(t, freshPhone());
    const [removed, next] = await adminQuery<Record<string, unknown>>(
      t.adminUrl,
      'SELECT * FROM consent.ledger ORDER BY seq DESC LIMIT 2',
    ).then((rows) => rows.reverse());
    await tamper(`DELETE FROM consent.ledger WHERE seq = ${removed.seq}`);
    const broken = await request(t.http)
      .get('/api/v1/consent/ledger/verify')
      .set('Authorization', officer)
      .expect(200);
    expect(broken.body).toMatchObject({ intact: false, brokenSeq: Number(next.seq) });

    await tamper(
      `INSERT INTO consent.ledger SELECT * FROM json_populate_record(null::consent.ledger, '${JSON.stringify(removed).replace(/'/g, "''")}')`,
    );
    const restored = await request(t.http).get('/api/v1/consent/ledger/verify').set('Authorization', officer);
    expect(restored.body.intact).toBe(true);
  });

  it('refuses UPDATE and DELETE on the ledger while its trigger is on', async () => {
    await consentThroughQr(t, freshPhone());
    await expect(adminQuery(t.adminUrl, 'DELETE FROM consent.ledger')).rejects.toThrow(/append-only/);
    await expect(adminQuery(t.adminUrl, "UPDATE consent.ledger SET action = 'withdrawn'")).rejects.toThrow(
      /append-only/,
    );
  });

  /** Only a superuser with the trigger off can edit the ledger: the verifier must still notice. */
  async function tamper(sql: string) {
    await adminQuery(
      t.adminUrl,
      `BEGIN; ALTER TABLE consent.ledger DISABLE TRIGGER ledger_no_update; ${sql}; ALTER TABLE consent.ledger ENABLE TRIGGER ledger_no_update; COMMIT;`,
    );
  }
});
