import { randomInt } from 'node:crypto';
import request from 'supertest';
import { adminQuery } from '@siyu/testing';
import {
  consentThroughQr,
  inviteToken,
  lastCode,
  nonceIn,
  shownNoticeIn,
  startConsentApp,
  type ConsentTestApp,
} from './consent-test-app';

/** R2 / PIPL Art. 31: a customer who says they are under 14 is not made a member by their own consent. */
describe('minors on the consent page (R2)', () => {
  let t: ConsentTestApp;
  beforeAll(async () => {
    t = await startConsentApp();
  });
  afterAll(() => t?.close());

  async function agreeAs(phone: string, age: string | undefined) {
    const token = inviteToken(t);
    const landing = await request(t.http).get(`/q/${token}`).expect(200);
    const agreePage = await request(t.http)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone, nonce: nonceIn(landing.text) })
      .expect(200);
    const form = new URLSearchParams({
      phone,
      code: await lastCode(t.adminUrl),
      nonce: nonceIn(agreePage.text),
      ...shownNoticeIn(agreePage.text),
      purposes: 'marketing_messages',
      channels: 'sms',
      agree: 'yes',
      ...(age ? { age } : {}),
    });
    return {
      agreePage,
      res: await request(t.http).post(`/q/${token}/agree`).type('form').send(form.toString()),
    };
  }

  it('asks the age on the agree step with neither answer pre-selected', async () => {
    const { agreePage } = await agreeAs(`139${String(randomInt(0, 1e8)).padStart(8, '0')}`, '14_or_older');
    expect(agreePage.text).toContain('name="age" value="14_or_older"');
    expect(agreePage.text).toContain('name="age" value="under_14"');
    expect(agreePage.text).not.toMatch(/name="age"[^>]*checked/);
  });

  it('records no consent and no subject when the customer declares they are under 14, and says why', async () => {
    const phone = `139${String(randomInt(0, 1e8)).padStart(8, '0')}`;
    const { res } = await agreeAs(phone, 'under_14');
    expect(res.status).toBe(403);
    expect(res.text).toContain('监护人');
    expect(
      await adminQuery(
        t.adminUrl,
        "SELECT 1 FROM consent.ledger WHERE action = 'granted' AND evidence::text LIKE '%' || $1 || '%'",
        [phone.slice(-4)],
      ),
    ).toEqual([]);
    const [{ n }] = await adminQuery<{ n: number }>(
      t.adminUrl,
      'SELECT count(*)::int AS n FROM consent.subjects',
    );
    // Members from other tests may exist; this phone made none: joining with it as an adult now works once.
    const before = n;
    const subjectRef = await consentThroughQr(t, phone);
    expect(subjectRef).toEqual(expect.any(String));
    const [{ n: after }] = await adminQuery<{ n: number }>(
      t.adminUrl,
      'SELECT count(*)::int AS n FROM consent.subjects',
    );
    expect(after).toBe(before + 1);
  });
});
