import { randomUUID } from 'node:crypto';
import { captureOutput, FakeWechatSubscriptionServer } from '@siyu/testing';
import { readWechatCredentials } from './vendor-credentials';
import { WechatSubscriptionChannel, type WechatSubscriptionMessage } from './wechat-subscription.channel';

const APP_ID = 'wx0000000000fake01';
const SECRET = 'fake-wechat-app-secret';
const TEMPLATE = 'tmpl-member-day-0001';
const SEND = '/cgi-bin/message/subscribe/bizsend';

let fake: FakeWechatSubscriptionServer;

beforeEach(async () => {
  fake = await FakeWechatSubscriptionServer.start({
    appId: APP_ID,
    appSecret: SECRET,
    templates: { [TEMPLATE]: ['thing1', 'time2'] },
  });
});
afterEach(async () => {
  await fake.close();
});

function channel(secret = SECRET): WechatSubscriptionChannel {
  const creds = readWechatCredentials({
    WECHAT_APP_ID: APP_ID,
    WECHAT_APP_SECRET: secret,
    WECHAT_API_BASE_URL: fake.baseUrl,
  })!;
  return new WechatSubscriptionChannel(creds, { backoffMs: 10, timeoutMs: 300 });
}

function message(
  data: Record<string, string> = { thing1: '会员日满200减30', time2: '2026-12-12 10:00' },
): WechatSubscriptionMessage {
  return {
    sendId: randomUUID(),
    openid: `oFAKE${randomUUID().replace(/-/g, '')}`,
    templateId: TEMPLATE,
    data,
    page: 'pages/offer',
  };
}

describe('WechatSubscriptionChannel against the fake WeChat', () => {
  it('sends once per accepted subscription: the second send to the same member is refused with 43101', async () => {
    const m = message();
    fake.accept(m.openid, TEMPLATE);

    const [first] = await channel().send([m]);
    const [second] = await channel().send([{ ...m, sendId: randomUUID() }]);

    expect(first).toEqual(expect.objectContaining({ sendId: m.sendId, status: 'submitted' }));
    expect(second).toEqual(expect.objectContaining({ status: 'refused', errcode: 43101 }));
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toEqual(
      expect.objectContaining({ templateId: TEMPLATE, data: m.data, page: 'pages/offer' }),
    );
  });

  it('keeps WeChat’s 64-bit msgid digit for digit, so the later send-result push (MsgID) can match it', async () => {
    const m = message();
    fake.accept(m.openid, TEMPLATE);
    const [o] = await channel().send([m]);
    expect(fake.sent[0].msgid).toMatch(/^\d{19}$/);
    expect(o).toEqual({ sendId: m.sendId, status: 'submitted', vendorMessageId: fake.sent[0].msgid });
  });

  it('records a member who refused (no subscription) as refused, not as a failure to retry', async () => {
    const m = message();
    fake.accept(m.openid, TEMPLATE);
    fake.refuseAll(m.openid);
    const [o] = await channel().send([m]);
    expect(o).toEqual({ sendId: m.sendId, status: 'refused', errcode: 43101 });
    expect(fake.calls.filter((c) => c.path === SEND)).toHaveLength(1);
  });

  it('rejects template data WeChat refuses (47003) without retrying', async () => {
    const m = message({
      thing1: '这是一段超过二十个字符的活动名称一定会被微信拒绝的',
      time2: '2026-12-12 10:00',
    });
    fake.accept(m.openid, TEMPLATE);
    const [o] = await channel().send([m]);
    expect(o).toEqual(expect.objectContaining({ status: 'rejected', errcode: 47003 }));
    expect(fake.remaining(m.openid, TEMPLATE)).toBe(1);
  });

  it('retries system busy (-1) and sends once', async () => {
    const m = message();
    fake.accept(m.openid, TEMPLATE);
    fake.failNext(SEND, -1);
    const [o] = await channel().send([m]);
    expect(o.status).toBe('submitted');
    expect(fake.calls.filter((c) => c.path === SEND).map((c) => c.errcode)).toEqual([-1, 0]);
    expect(fake.sent).toHaveLength(1);
  });

  it('does not retry a quota errcode (45009): the run defers it', async () => {
    const m = message();
    fake.accept(m.openid, TEMPLATE);
    fake.failNext(SEND, 45009);
    const [o] = await channel().send([m]);
    expect(o).toEqual(expect.objectContaining({ status: 'rejected', errcode: 45009 }));
    expect(fake.calls.filter((c) => c.path === SEND)).toHaveLength(1);
  });

  it('answers unknown on a timeout and never resends (the subscription may be used)', async () => {
    const m = message();
    fake.accept(m.openid, TEMPLATE, 2);
    fake.hangNext(SEND);
    const [o] = await channel().send([m]);
    expect(o).toEqual({ sendId: m.sendId, status: 'unknown', errorCode: 'TIMEOUT' });
    expect(fake.sent).toHaveLength(1);
    expect(fake.calls.filter((c) => c.path === SEND)).toHaveLength(1);
  });

  it('is refused for a wrong app secret and sends nothing', async () => {
    const m = message();
    fake.accept(m.openid, TEMPLATE);
    const [o] = await channel('wrong').send([m]);
    expect(o).toEqual(expect.objectContaining({ status: 'rejected', errcode: 40125 }));
    expect(fake.sent).toHaveLength(0);
  });

  it('writes no openid to any log line', async () => {
    const msgs = [message(), message()];
    fake.failNext(SEND, 45009);
    const out = await captureOutput(async () => {
      await channel().send(msgs);
    });
    expect(out.length).toBeGreaterThan(0);
    for (const m of msgs) expect(out).not.toContain(m.openid);
  });
});
