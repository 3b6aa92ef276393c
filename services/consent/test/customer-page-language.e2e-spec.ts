import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminQuery, bearer } from '@siyu/testing';
import {
  freshPhone,
  inviteToken,
  lastCode,
  nonceIn,
  shownNoticeIn,
  startConsentApp,
  unsubscribeToken,
  type ConsentTestApp,
} from './consent-test-app';

const EN_NOTICE = {
  locale: 'en',
  brandName: 'Demo Brand',
  brandContact: 'privacy@example.com',
  purposes: [
    { id: 'marketing_messages', description: 'Send you member events, new products and offers' },
    { id: 'purchase_history', description: 'Recommend products from what you bought in our shop' },
  ],
  channels: ['sms', 'wechat'],
  processingMethods: 'Collected, stored and used by us only; encrypted; never given to third parties',
  dataCategories: ['Mobile number (verified by a one-time code)', 'Purchases in our shop'],
  retention: 'While your consent lasts; consent records kept at least 5 months after withdrawal',
  rights: 'Reply T to any SMS, use the unsubscribe link or the preference centre',
};

describe('customer pages in the customer’s language (zh-CN first, en when the brand has an en notice)', () => {
  let t: ConsentTestApp;
  let officer: string;

  beforeAll(async () => {
    t = await startConsentApp();
    officer = await bearer(t.authKeys, 'privacy_officer');
    await publishEn(EN_NOTICE.retention);
  });
  afterAll(async () => t?.close());

  const publishEn = (retention: string) =>
    request(t.http)
      .post('/api/v1/consent/notices')
      .set('Authorization', officer)
      .send({ ...EN_NOTICE, retention })
      .expect(201);

  /** The content hash of a locale's current notice, read from the database. */
  const currentHash = async (locale: 'zh-CN' | 'en') =>
    (
      await adminQuery<{ content_hash: string }>(
        t.adminUrl,
        'SELECT content_hash FROM consent.notices WHERE locale = $1 ORDER BY version DESC LIMIT 1',
        [locale],
      )
    )[0].content_hash;

  const ledgerCount = async () =>
    (await adminQuery<{ n: number }>(t.adminUrl, 'SELECT count(*)::int AS n FROM consent.ledger'))[0].n;

  /** Landing page → code step, as a browser with this Accept-Language would do it. */
  async function toAgreeStep(path: string, phone: string, acceptLanguage = 'zh-CN,zh;q=0.9') {
    const token = path.split('/')[2].split('?')[0];
    const landing = await request(t.http).get(path).set('Accept-Language', acceptLanguage).expect(200);
    const agreePage = await request(t.http)
      .post(`/q/${token}/code`)
      .set('Accept-Language', acceptLanguage)
      .type('form')
      .send({
        phone,
        nonce: nonceIn(landing.text),
        lang: /name="lang" value="([^"]+)"/.exec(landing.text)![1],
      })
      .expect(200);
    return { token, landing: landing.text, agreePage: agreePage.text };
  }

  function agreeForm(agreePage: string, phone: string, code: string, fields: Record<string, string> = {}) {
    const form = new URLSearchParams({ phone, code, nonce: nonceIn(agreePage), ...shownNoticeIn(agreePage) });
    form.append('purposes', 'marketing_messages');
    form.append('channels', 'sms');
    form.append('agree', 'yes');
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return form.toString();
  }

  it('renders the English page with the English notice, English chrome and every box unticked (R6)', async () => {
    const phone = freshPhone();
    const { landing, agreePage } = await toAgreeStep(`/q/${inviteToken(t)}?lang=en`, phone);
    expect(landing).toContain('<html lang="en">');
    expect(landing).toContain('Demo Brand: how we handle your personal information');
    expect(landing).toContain('Send you member events, new products and offers');
    expect(landing).toContain('Send me a code');
    expect(landing).not.toContain('获取验证码');
    expect(agreePage).toContain('<html lang="en">');
    expect(agreePage).toContain('I have read and agree to the notice on this page');
    expect(agreePage).toContain('Receive marketing messages (events, new products, offers)');
    expect(agreePage).toMatch(/type="checkbox"/);
    expect(agreePage).not.toMatch(/checked/i);
    expect(agreePage).not.toContain('我已阅读并同意');
    expect(shownNoticeIn(agreePage)).toEqual({ lang: 'en', notice: await currentHash('en') });
  });

  it('records the English notice’s hash for a grant made on the English page (R5)', async () => {
    const phone = freshPhone();
    const orderRef = randomUUID();
    const { token, agreePage } = await toAgreeStep(`/q/${inviteToken(t, orderRef)}?lang=en`, phone);
    const done = await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(agreeForm(agreePage, phone, await lastCode(t.adminUrl)))
      .expect(200);
    expect(done.text).toContain('You have joined Demo Brand');
    const [entry] = await adminQuery<{ notice_hash: string }>(
      t.adminUrl,
      `SELECT notice_hash FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
      [orderRef],
    );
    expect(entry.notice_hash).toBe(shownNoticeIn(agreePage).notice);
    const [shown] = await adminQuery<{ locale: string }>(
      t.adminUrl,
      'SELECT locale FROM consent.notices WHERE content_hash = $1',
      [entry.notice_hash],
    );
    expect(shown.locale).toBe('en');
  });

  it('chooses the language from Accept-Language by q-value, and ?lang= over it', async () => {
    const token = inviteToken(t);
    const page = (accept: string, query = '') =>
      request(t.http).get(`/q/${token}${query}`).set('Accept-Language', accept).expect(200);
    expect((await page('en-US,en;q=0.9')).text).toContain('<html lang="en">');
    expect((await page('zh-CN,zh;q=0.9')).text).toContain('<html lang="zh-CN">');
    expect((await page('zh-CN;q=0.5,en-GB;q=0.8')).text).toContain('<html lang="en">');
    expect((await page('fr-FR')).text).toContain('<html lang="zh-CN">');
    expect((await page('en-US,en;q=0.9', '?lang=zh-CN')).text).toContain('<html lang="zh-CN">');
  });

  it('offers a plain link to the page in the other language', async () => {
    const token = inviteToken(t);
    const english = await request(t.http).get(`/q/${token}`).set('Accept-Language', 'en-US').expect(200);
    const toChinese = /<a href="([^"]+)" hreflang="zh-CN" lang="zh-CN">中文<\/a>/.exec(english.text)?.[1];
    expect(toChinese).toBe(`/q/${token}?lang=zh-CN`);
    const chinese = await request(t.http).get(toChinese!).set('Accept-Language', 'en-US').expect(200);
    expect(chinese.text).toContain('获取验证码');
    expect(chinese.text).toContain(`<a href="/q/${token}?lang=en" hreflang="en" lang="en">English</a>`);
  });

  it('refuses a changed notice hash with a clear error and writes nothing, leaving the code usable', async () => {
    const phone = freshPhone();
    const { token, agreePage } = await toAgreeStep(`/q/${inviteToken(t)}?lang=en`, phone);
    const code = await lastCode(t.adminUrl);
    const zhHash = await currentHash('zh-CN');
    const before = await ledgerCount();
    const swapped = await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(agreeForm(agreePage, phone, code, { notice: zhHash }))
      .expect(400);
    expect(swapped.text).toContain('Notice does not match the page');
    expect(swapped.text).toContain('We recorded nothing');
    const relabelled = await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(agreeForm(agreePage, phone, code, { lang: 'zh-CN', notice: zhHash }))
      .expect(400);
    expect(relabelled.text).toContain('告知与页面不符');
    const dropped = new URLSearchParams(agreeForm(agreePage, phone, code));
    dropped.delete('notice');
    await request(t.http).post(`/q/${token}/agree`).type('form').send(dropped.toString()).expect(400);
    expect(await ledgerCount()).toBe(before);
    // Nothing was consumed: the untouched form still goes through, under the English notice.
    await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(agreeForm(agreePage, phone, code))
      .expect(200);
    expect(await ledgerCount()).toBe(before + 1);
  });

  it('shows a notice published after the page was opened before anything is recorded', async () => {
    const phone = freshPhone();
    const orderRef = randomUUID();
    const { token, agreePage } = await toAgreeStep(`/q/${inviteToken(t, orderRef)}?lang=en`, phone);
    const code = await lastCode(t.adminUrl);
    const retention = `Newer wording ${randomUUID()}`;
    const newer = (await publishEn(retention)).body;
    const stale = await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(agreeForm(agreePage, phone, code))
      .expect(409);
    expect(stale.text).toContain('The brand has just updated its personal information notice');
    expect(stale.text).toContain(retention);
    expect(shownNoticeIn(stale.text)).toEqual({ lang: 'en', notice: newer.contentHash });
    expect(
      await adminQuery(t.adminUrl, `SELECT 1 FROM consent.ledger WHERE evidence->>'orderRef' = $1`, [
        orderRef,
      ]),
    ).toHaveLength(0);
    await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(agreeForm(stale.text, phone, code))
      .expect(200);
    const [entry] = await adminQuery<{ notice_hash: string }>(
      t.adminUrl,
      `SELECT notice_hash FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
      [orderRef],
    );
    expect(entry.notice_hash).toBe(newer.contentHash);
  });

  it('carries English on to the preference centre and the unsubscribe pages', async () => {
    const phone = freshPhone();
    const orderRef = randomUUID();
    const { token, agreePage } = await toAgreeStep(`/q/${inviteToken(t, orderRef)}?lang=en`, phone);
    const done = await request(t.http)
      .post(`/q/${token}/agree`)
      .type('form')
      .send(agreeForm(agreePage, phone, await lastCode(t.adminUrl)))
      .expect(200);
    const preferences = /href="(\/p\/[^"]+)"/.exec(done.text)![1].replaceAll('&amp;', '&');
    expect(preferences).toMatch(/\?lang=en$/);
    const centre = await request(t.http).get(preferences).expect(200);
    expect(centre.text).toContain('Demo Brand preference centre');
    expect(centre.text).toContain('Receive marketing messages (events, new products, offers) · SMS');
    expect(centre.text).toContain('name="lang" value="en"');
    const [{ subject_ref: subjectRef }] = await adminQuery<{ subject_ref: string }>(
      t.adminUrl,
      `SELECT subject_ref FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
      [orderRef],
    );
    const link = `/u/${unsubscribeToken(t, subjectRef, 'sms', 'marketing_messages')}`;
    const confirm = await request(t.http).get(link).set('Accept-Language', 'en-US,en;q=0.9').expect(200);
    expect(confirm.text).toContain('Unsubscribe from');
    expect(confirm.text).toContain('<button type="submit">Unsubscribe</button>');
    // The brand as the English notice names it, not the configured Chinese name.
    expect(confirm.text).toContain('Demo Brand');
    expect(confirm.text).not.toContain('示例品牌');
    expect(confirm.text).toContain('name="lang" value="en"');
    const unsubscribed = await request(t.http)
      .post(link)
      .type('form')
      .send({ nonce: nonceIn(confirm.text), lang: 'en' })
      .expect(200);
    expect(unsubscribed.text).toContain('You have unsubscribed from');
    expect(unsubscribed.text).toContain('Demo Brand');
    expect(unsubscribed.text).not.toContain('示例品牌');
  });
});

describe('a brand without an English notice', () => {
  let t: ConsentTestApp;

  beforeAll(async () => {
    t = await startConsentApp();
  });
  afterAll(async () => t?.close());

  it('renders zh-CN for ?lang=en and English browsers, offers no switch, and records the zh-CN notice', async () => {
    const token = inviteToken(t);
    const asked = await request(t.http).get(`/q/${token}?lang=en`).expect(200);
    const browser = await request(t.http)
      .get(`/q/${token}`)
      .set('Accept-Language', 'en-US,en;q=0.9')
      .expect(200);
    for (const page of [asked.text, browser.text]) {
      expect(page).toContain('<html lang="zh-CN">');
      expect(page).toContain('获取验证码');
      expect(page).not.toContain('hreflang');
    }
    const phone = freshPhone();
    const agreePage = await request(t.http)
      .post(`/q/${token}/code`)
      .set('Accept-Language', 'en-US,en;q=0.9')
      .type('form')
      .send({ phone, nonce: nonceIn(asked.text), lang: 'en' })
      .expect(200);
    expect(agreePage.text).toContain('我已阅读并同意上述个人信息处理告知');
    const [zh] = await adminQuery<{ content_hash: string }>(
      t.adminUrl,
      `SELECT content_hash FROM consent.notices WHERE locale = 'zh-CN'`,
    );
    expect(shownNoticeIn(agreePage.text)).toEqual({ lang: 'zh-CN', notice: zh.content_hash });
  });
});
