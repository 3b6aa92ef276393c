import request from 'supertest';
import { adminQuery } from '@siyu/testing';
import {
  consentThroughQr,
  freshPhone,
  nonceIn,
  preferenceToken,
  startConsentApp,
  type ConsentTestApp,
} from './consent-test-app';

describe('preference centre: per tag category choices (R11)', () => {
  let t: ConsentTestApp;
  beforeAll(async () => {
    t = await startConsentApp();
  });
  afterAll(async () => t?.close());

  async function save(token: string, fields: string[]) {
    const page = await request(t.http).get(`/p/${token}`).expect(200);
    return request(t.http)
      .post(`/p/${token}`)
      .type('form')
      .send([...fields, `nonce=${encodeURIComponent(nonceIn(page.text))}`].join('&'));
  }
  // The relay may have sent the event already (then only outbox_sent keeps its id and topic).
  const eventCount = async () =>
    (
      await adminQuery<{ n: number }>(
        t.adminUrl,
        `SELECT (SELECT count(*) FROM consent.outbox WHERE topic = $1) + (SELECT count(*) FROM consent.outbox_sent WHERE topic = $1) AS n`,
        ['consent.tag-categories-changed.v1'],
      )
    )[0].n;

  it('closing 消费能力 stores the choice and sends audience the closed categories, once', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const token = preferenceToken(t, subjectRef);
    const page = await request(t.http).get(`/p/${token}`).expect(200);
    expect(page.text).toContain('value="spending_power" checked');
    expect(page.text).toContain('消费能力');
    const keep = [
      'keep=marketing_messages:sms',
      'keep=marketing_messages:wechat',
      'keep=purchase_history:sms',
      'keep=purchase_history:wechat',
      'personalisation=on',
      'categoriesShown=1',
    ];
    const open = ['purchase_preference', 'active_hours', 'lifecycle', 'prediction'].map(
      (c) => `openCategory=${c}`,
    );
    const res = await save(token, [...keep, ...open]);
    expect(res.status).toBe(200);
    expect(res.text).toContain('标签类别已更新');
    expect(res.text).toContain('name="openCategory" value="spending_power">');
    expect(Number(await eventCount())).toBe(1);
    expect(
      await adminQuery(
        t.adminUrl,
        'SELECT closed_categories FROM consent.tag_category_choices WHERE subject_ref = $1',
        [subjectRef],
      ),
    ).toEqual([{ closed_categories: ['spending_power'] }]);
    // Saving the same choice again sends nothing new.
    await save(token, [...keep, ...open]);
    expect(Number(await eventCount())).toBe(1);
  });
});
