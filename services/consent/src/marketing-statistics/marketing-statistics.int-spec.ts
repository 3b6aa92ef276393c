import request from 'supertest';
import { bearer } from '@siyu/testing';
import {
  consentThroughQr,
  freshPhone,
  nonceIn,
  startConsentApp,
  unsubscribeToken,
  type ConsentTestApp,
} from '../../test/consent-test-app';

describe('marketing statistics for the marketers overview (counts from the ledger, never people)', () => {
  let t: ConsentTestApp;
  const subjects: string[] = [];
  const phones: string[] = [];

  beforeAll(async () => {
    t = await startConsentApp();
    for (let i = 0; i < 3; i++) {
      phones.push(freshPhone());
      subjects.push(
        await consentThroughQr(t, phones[i], {
          purposes: ['marketing_messages'],
          channels: ['sms', 'wechat'],
        }),
      );
    }
    // The first member unsubscribes from SMS by the link in a message.
    const token = unsubscribeToken(t, subjects[0], 'sms', 'marketing_messages');
    const confirm = await request(t.http).get(`/u/${token}`).expect(200);
    await request(t.http)
      .post(`/u/${token}`)
      .type('form')
      .send({ nonce: nonceIn(confirm.text) })
      .expect(200);
  });
  afterAll(async () => t?.close());

  it('counts consenting and withdrawn members per channel, and opt-outs per day, channel and source', async () => {
    const res = await request(t.http)
      .get('/api/v1/consent/statistics?days=7')
      .set('Authorization', await bearer(t.authKeys, 'marketer'))
      .expect(200);
    expect(res.body.channels).toEqual([
      { channel: 'sms', consenting: 2, withdrawn: 1 },
      { channel: 'wechat', consenting: 3, withdrawn: 0 },
    ]);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(res.body.optOuts).toEqual([
      { day: today, channel: 'sms', source: 'unsubscribe_link', subjects: 1 },
    ]);
    expect(res.body).toMatchObject({ days: 7, timeZone: 'Asia/Shanghai' });
  });

  it('answers with numbers only: no subject ref or phone number is in it', async () => {
    const res = await request(t.http)
      .get('/api/v1/consent/statistics')
      .set('Authorization', await bearer(t.authKeys, 'marketer'));
    for (const value of [...subjects, ...phones]) expect(res.text).not.toContain(value);
  });

  it('is refused to ops and names a bad period', async () => {
    await request(t.http)
      .get('/api/v1/consent/statistics')
      .set('Authorization', await bearer(t.authKeys, 'ops'))
      .expect(403);
    const bad = await request(t.http)
      .get('/api/v1/consent/statistics?days=0')
      .set('Authorization', await bearer(t.authKeys, 'marketer'))
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('days');
  });
});
