import { randomBytes } from 'node:crypto';
import { FakeMembershipPlatform, FakeWechat, wechatXml } from '../../../libs/testing/src/fake-vendors';
import { ConsentKeys } from '../src/consent.keys';
import { CONSENT_DB } from '../src/consent.options';
import { UNSUBSCRIBE_MENU_KEY } from '../src/wechat/record-wechat-event.use-case';
import { openidIndex, WechatBindingRepository } from '../src/wechat/wechat-binding.repository';
import type { DataSource } from 'typeorm';
import { freshPhone } from './consent-test-app';
import { BRAND, SHOP_ID, shopSecret, startWebhookApp, type WebhookTestApp } from './webhook-test-app';

describe('WeChat official account: 取消关注 and the unsubscribe menu withdraw the WeChat channel (R9)', () => {
  let t: WebhookTestApp;
  let wechat: FakeWechat;
  let tmall: FakeMembershipPlatform;

  beforeAll(async () => {
    t = await startWebhookApp();
    wechat = new FakeWechat({ baseUrl: t.baseUrl, token: t.env.WECHAT_TOKEN });
    tmall = new FakeMembershipPlatform({
      baseUrl: t.baseUrl,
      platform: 'tmall',
      shopId: SHOP_ID,
      secret: shopSecret(t),
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  const freshOpenid = () => `o${randomBytes(14).toString('base64url')}`;
  const entriesOf = (subjectRef: string) =>
    t.query('SELECT action, source, channels FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq', [
      subjectRef,
    ]);
  const eventRows = () => t.query('SELECT count(*)::int AS n FROM consent.wechat_events').then(([r]) => r.n);

  /** A member granted sms + wechat, whose openid was bound when the wechat channel was granted. */
  async function memberWithOpenid(): Promise<{ subjectRef: string; openid: string }> {
    const body = tmall.joinBody({ mobile: freshPhone(), agreement_version: '4' });
    await tmall.call('bind', body);
    const [row] = await t.query('SELECT subject_ref FROM consent.ledger WHERE evidence->>$1 = $2', [
      'requestId',
      body.request_id,
    ]);
    const openid = freshOpenid();
    const keys = t.app.get(ConsentKeys);
    const ds = t.app.get<DataSource>(CONSENT_DB);
    await ds.transaction((tx) =>
      t.app
        .get(WechatBindingRepository)
        .bind(tx, BRAND.id, openidIndex(keys.index, BRAND.id, openid), row.subject_ref),
    );
    return { subjectRef: row.subject_ref, openid };
  }

  it('answers WeChat’s URL check with echostr when the signature holds, and 401 when it does not', async () => {
    const ok = await wechat.verifyUrl('echo-1234567890');
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('echo-1234567890');
    const forged = await wechat.verifyUrl('echo-1234567890', 'not-the-token');
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain('echo-1234567890');
  });

  it('withdraws the wechat channel (every purpose) when the follower unsubscribes (取消关注); SMS stays', async () => {
    const m = await memberWithOpenid();
    const res = await wechat.unsubscribe(m.openid);
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
    expect(await entriesOf(m.subjectRef)).toEqual([
      { action: 'granted', source: null, channels: ['sms', 'wechat'] },
      { action: 'withdrawn', source: 'wechat', channels: ['wechat'] },
    ]);
    const [event] = await t.eventsFor(m.subjectRef, 'consent.withdrawn.v1');
    expect(event).toMatchObject({
      source: 'wechat',
      channels: ['wechat'],
      purposes: ['marketing_messages', 'purchase_history'],
    });
    // R1: the openid is stored only as a blind index and never published.
    expect(JSON.stringify(await t.query('SELECT * FROM consent.wechat_events'))).not.toContain(m.openid);
    expect(JSON.stringify(t.events)).not.toContain(m.openid);
  });

  it('withdraws the wechat channel when the follower taps the UNSUBSCRIBE_MARKETING menu item', async () => {
    const m = await memberWithOpenid();
    expect((await wechat.clickMenu(m.openid, UNSUBSCRIBE_MENU_KEY)).text).toBe('success');
    expect((await entriesOf(m.subjectRef)).map((e) => [e.action, e.source])).toEqual([
      ['granted', null],
      ['withdrawn', 'wechat'],
    ]);
  });

  it('withdraws the wechat channel when the follower replies "退订" in the chat; other text is ignored and not stored', async () => {
    const m = await memberWithOpenid();
    const before = await eventRows();
    await wechat.push(m.openid, { CreateTime: '1700000001', MsgType: 'text', Content: '你好' });
    expect(await eventRows()).toBe(before);
    await wechat.push(m.openid, { CreateTime: '1700000002', MsgType: 'text', Content: ' 退订！' });
    expect((await entriesOf(m.subjectRef)).map((e) => e.action)).toEqual(['granted', 'withdrawn']);
  });

  it('does nothing for other menu items or subscribe events', async () => {
    const m = await memberWithOpenid();
    await wechat.clickMenu(m.openid, 'NEW_ARRIVALS');
    await wechat.push(m.openid, { CreateTime: '1700000003', MsgType: 'event', Event: 'subscribe' });
    expect((await entriesOf(m.subjectRef)).map((e) => e.action)).toEqual(['granted']);
  });

  it('stores an unsubscribe from an openid with no binding yet, and changes nothing else', async () => {
    const before = await t.query('SELECT count(*)::int AS n FROM consent.ledger');
    const res = await wechat.unsubscribe(freshOpenid());
    expect(res.text).toBe('success');
    expect(await t.query('SELECT count(*)::int AS n FROM consent.ledger')).toEqual(before);
    const [last] = await t.query('SELECT event, acted FROM consent.wechat_events ORDER BY id DESC LIMIT 1');
    expect(last).toEqual({ event: 'unsubscribe', acted: false });
  });

  it('handles WeChat’s retries of one push once', async () => {
    const m = await memberWithOpenid();
    const createTime = Math.floor(Date.now() / 1000);
    const answers = await Promise.all([1, 2, 3].map(() => wechat.unsubscribe(m.openid, createTime)));
    expect(answers.map((a) => a.text)).toEqual(['success', 'success', 'success']);
    expect(await entriesOf(m.subjectRef)).toHaveLength(2);
    const index = openidIndex(t.app.get(ConsentKeys).index, BRAND.id, m.openid);
    expect(
      await t.query('SELECT count(*)::int AS n FROM consent.wechat_events WHERE openid_index = $1', [index]),
    ).toEqual([{ n: 1 }]);
  });

  it('forwards WeChat’s subscribe_msg_sent_event to outreach as consent.wechat-send-result.v1 naming the subject, never the openid; a retried push carries the same event id', async () => {
    const m = await memberWithOpenid();
    const push = {
      openid: m.openid,
      templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
      msgId: '1700827132819554304',
      errorCode: 0,
      errorStatus: 'success',
      createTime: 1610969468,
    };
    const answers = [await wechat.sendResult(push), await wechat.sendResult(push)];
    expect(answers.map((a) => [a.status, a.text])).toEqual([
      [200, 'success'],
      [200, 'success'],
    ]);
    const [event] = await t.eventsFor(m.subjectRef, 'consent.wechat-send-result.v1');
    expect(event).toMatchObject({
      subjectRef: m.subjectRef,
      brandId: BRAND.id,
      msgId: '1700827132819554304',
      templateId: push.templateId,
      errorCode: 0,
      errorStatus: 'success',
      sentAt: '2021-01-18T11:31:08.000Z',
    });
    await new Promise((r) => setTimeout(r, 300));
    const forwarded = t.events.filter(
      (e) => e.type === 'consent.wechat-send-result.v1' && e.subjectRef === m.subjectRef,
    );
    expect(new Set(forwarded.map((e) => e.eventId)).size).toBe(1);
    // R1/R16: the openid stays with consent; the ledger is untouched (a send result is no consent act).
    expect(JSON.stringify(t.events)).not.toContain(m.openid);
    expect((await entriesOf(m.subjectRef)).map((e) => e.action)).toEqual(['granted']);
  });

  it('forwards nothing for a send result from an openid bound to no subject', async () => {
    const openid = freshOpenid();
    const before = t.events.filter((e) => e.type === 'consent.wechat-send-result.v1').length;
    const res = await wechat.sendResult({
      openid,
      templateId: 'tmpl-x',
      msgId: '42',
      errorCode: 0,
      errorStatus: 'success',
      createTime: 1700000100,
    });
    expect(res.text).toBe('success');
    await new Promise((r) => setTimeout(r, 300));
    expect(t.events.filter((e) => e.type === 'consent.wechat-send-result.v1')).toHaveLength(before);
    expect(JSON.stringify(t.events)).not.toContain(openid);
  });

  it('refuses a push with a wrong signature (401), an oversized body (413) and malformed XML (400), changing nothing', async () => {
    const m = await memberWithOpenid();
    const before = await eventRows();
    expect(
      (
        await wechat.push(
          m.openid,
          { CreateTime: '1700000004', MsgType: 'event', Event: 'unsubscribe' },
          'wrong',
        )
      ).status,
    ).toBe(401);
    const huge = wechatXml({
      FromUserName: m.openid,
      CreateTime: '1700000005',
      MsgType: 'event',
      Event: 'unsubscribe',
      Pad: 'x'.repeat(70 * 1024),
    });
    expect((await wechat.pushRaw(huge)).status).toBe(413);
    expect((await wechat.pushRaw('<xml><FromUserName>x</FromUserName>')).status).toBe(400);
    expect(
      (
        await wechat.pushRaw(
          `<!DOCTYPE xml [<!ENTITY x "unsubscribe">]><xml><FromUserName>${m.openid}</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>&x;</Event></xml>`,
        )
      ).status,
    ).toBe(400);
    expect(await eventRows()).toBe(before);
    expect((await entriesOf(m.subjectRef)).map((e) => e.action)).toEqual(['granted']);
  });
});
