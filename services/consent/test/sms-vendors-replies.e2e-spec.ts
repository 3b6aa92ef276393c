import {
  FakeAliyunSms,
  FakeMembershipPlatform,
  FakeTencentSms,
} from '../../../libs/testing/src/fake-vendors';
import { freshPhone } from './consent-test-app';
import { BRAND, SHOP_ID, shopSecret, startWebhookApp, type WebhookTestApp } from './webhook-test-app';

describe('SMS replies from Aliyun and Tencent Cloud withdraw the SMS channel (R9)', () => {
  let t: WebhookTestApp;
  let tmall: FakeMembershipPlatform;
  let aliyun: FakeAliyunSms;
  let tencent: FakeTencentSms;

  beforeAll(async () => {
    t = await startWebhookApp();
    tmall = new FakeMembershipPlatform({
      baseUrl: t.baseUrl,
      platform: 'tmall',
      shopId: SHOP_ID,
      secret: shopSecret(t),
    });
    aliyun = new FakeAliyunSms({ baseUrl: t.baseUrl, token: t.env.ALIYUN_SMS_REPLY_TOKEN });
    tencent = new FakeTencentSms({ baseUrl: t.baseUrl, token: t.env.TENCENT_SMS_REPLY_TOKEN });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A member who joined with SMS marketing (agreement v4: marketing + purchase history, sms + wechat). */
  async function member(): Promise<{ phone: string; subjectRef: string }> {
    const phone = freshPhone();
    const body = tmall.joinBody({ mobile: phone, agreement_version: '4' });
    expect((await tmall.call('bind', body)).status).toBe(200);
    const [row] = await t.query('SELECT subject_ref FROM consent.ledger WHERE evidence->>$1 = $2', [
      'requestId',
      body.request_id,
    ]);
    return { phone, subjectRef: row.subject_ref };
  }

  const reply = (vendor: 'aliyun' | 'tencent', phone: string, text: string, sign = BRAND.signature) =>
    vendor === 'aliyun'
      ? aliyun.pushUpMessages([{ phone_number: phone, content: text, sign_name: sign }])
      : tencent.pushReply({ mobile: phone, text, sign });
  const received = { aliyun: { code: 0, msg: '成功' }, tencent: { result: 0, errmsg: 'OK' } };
  const entriesOf = (subjectRef: string) =>
    t.query(
      'SELECT action, source, purposes, channels, evidence FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );

  it.each([
    ['aliyun', 'ＴＤ。'],
    ['aliyun', '退订'],
    ['aliyun', 'stop'],
    ['tencent', 'ＴＤ。'],
    ['tencent', '退订'],
    ['tencent', 'stop'],
  ] as const)(
    '%s: a member replying %j loses the SMS channel at once (ledger entry, then consent.withdrawn.v1)',
    async (vendor, text) => {
      const m = await member();
      const res = await reply(vendor, m.phone, text);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(received[vendor]);
      // The vendor was answered after the commit: the entry is already there.
      const entries = await entriesOf(m.subjectRef);
      expect(entries.map((e) => e.action)).toEqual(['granted', 'withdrawn']);
      expect(entries[1]).toMatchObject({
        source: 'sms_reply',
        channels: ['sms'],
        purposes: ['marketing_messages', 'purchase_history'],
        evidence: { vendor },
      });
      const [event] = await t.eventsFor(m.subjectRef, 'consent.withdrawn.v1');
      expect(event).toMatchObject({ source: 'sms_reply', channels: ['sms'] });
      // WeChat stays: the reply withdrew the SMS channel only.
      expect(event.channels).not.toContain('wechat');
    },
  );

  it.each(['aliyun', 'tencent'] as const)(
    '%s: a reply that is not an opt-out word ("hello") is stored and changes nothing',
    async (vendor) => {
      const m = await member();
      const res = await reply(vendor, m.phone, 'hello');
      expect(res.json).toEqual(received[vendor]);
      expect((await entriesOf(m.subjectRef)).map((e) => e.action)).toEqual(['granted']);
      const [stored] = await t.query(
        "SELECT keyword, text, acted, vendor FROM consent.sms_inbound WHERE text = 'hello' AND vendor = $1",
        [vendor],
      );
      expect(stored).toEqual({ keyword: null, text: 'hello', acted: false, vendor });
    },
  );

  it.each(['aliyun', 'tencent'] as const)(
    '%s: a member and a non-member replying "TD" get the same status and body',
    async (vendor) => {
      const m = await member();
      const forMember = await reply(vendor, m.phone, 'TD');
      const forStranger = await reply(vendor, freshPhone(), 'TD');
      expect([forStranger.status, forStranger.text]).toEqual([forMember.status, forMember.text]);
      // Timing is measured by bench/withdrawal.bench.ts, not asserted here (it flakes on a loaded box);
      // the non-member path does the same lookup and insert by construction.
    },
  );

  it.each(['aliyun', 'tencent'] as const)(
    '%s: "TD" to another brand’s signature is stored, not acted on',
    async (vendor) => {
      const m = await member();
      const res = await reply(vendor, m.phone, 'TD', '别家品牌');
      expect(res.json).toEqual(received[vendor]);
      expect((await entriesOf(m.subjectRef)).map((e) => e.action)).toEqual(['granted']);
      const [stored] = await t.query(
        'SELECT acted, sign_name FROM consent.sms_inbound WHERE sign_name = $1 AND vendor = $2',
        ['别家品牌', vendor],
      );
      expect(stored).toEqual({ acted: false, sign_name: '别家品牌' });
    },
  );

  it('Aliyun: the signature may come in brackets (【示例品牌】) and several up-messages in one push', async () => {
    const a = await member();
    const b = await member();
    const res = await aliyun.pushUpMessages([
      { phone_number: a.phone, content: '【退订】', sign_name: `【${BRAND.signature}】` },
      { phone_number: b.phone, content: 'R', sign_name: BRAND.signature },
    ]);
    expect(res.json).toEqual(received.aliyun);
    expect((await entriesOf(a.subjectRef)).map((e) => e.action)).toEqual(['granted', 'withdrawn']);
    expect((await entriesOf(b.subjectRef)).map((e) => e.action)).toEqual(['granted', 'withdrawn']);
  });

  it.each(['aliyun', 'tencent'] as const)(
    '%s: a callback without our token or with a wrong one gets 401 and changes nothing',
    async (vendor) => {
      const m = await member();
      const [{ n: before }] = await t.query('SELECT count(*)::int AS n FROM consent.sms_inbound');
      for (const token of [undefined, 'wrong-token', '']) {
        const forger =
          vendor === 'aliyun'
            ? new FakeAliyunSms({ baseUrl: t.baseUrl, token }).pushUpMessages([
                { phone_number: m.phone, content: 'TD', sign_name: BRAND.signature },
              ])
            : new FakeTencentSms({ baseUrl: t.baseUrl, token }).pushReply({
                mobile: m.phone,
                text: 'TD',
                sign: BRAND.signature,
              });
        expect((await forger).status).toBe(401);
      }
      // The other vendor's token does not open this door either.
      const crossed =
        vendor === 'aliyun'
          ? new FakeAliyunSms({ baseUrl: t.baseUrl, token: t.env.TENCENT_SMS_REPLY_TOKEN }).pushUpMessages([
              { phone_number: m.phone, content: 'TD', sign_name: BRAND.signature },
            ])
          : new FakeTencentSms({ baseUrl: t.baseUrl, token: t.env.ALIYUN_SMS_REPLY_TOKEN }).pushReply({
              mobile: m.phone,
              text: 'TD',
              sign: BRAND.signature,
            });
      expect((await crossed).status).toBe(401);
      expect(await t.query('SELECT count(*)::int AS n FROM consent.sms_inbound')).toEqual([{ n: before }]);
      expect((await entriesOf(m.subjectRef)).map((e) => e.action)).toEqual(['granted']);
    },
  );

  it('refuses malformed vendor bodies with 400 and stores nothing', async () => {
    const [{ n: before }] = await t.query('SELECT count(*)::int AS n FROM consent.sms_inbound');
    const url = (v: string, token: string) =>
      `${t.baseUrl}/webhooks/sms/${v}?token=${encodeURIComponent(token)}`;
    const post = (u: string, body: unknown) =>
      fetch(u, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (await post(url('aliyun', t.env.ALIYUN_SMS_REPLY_TOKEN), { phone_number: '1', content: 'TD' })).status,
    ).toBe(400);
    expect((await post(url('aliyun', t.env.ALIYUN_SMS_REPLY_TOKEN), [])).status).toBe(400);
    expect(
      (await post(url('tencent', t.env.TENCENT_SMS_REPLY_TOKEN), { mobile: '13900000000' })).status,
    ).toBe(400);
    expect(await t.query('SELECT count(*)::int AS n FROM consent.sms_inbound')).toEqual([{ n: before }]);
  });
});
