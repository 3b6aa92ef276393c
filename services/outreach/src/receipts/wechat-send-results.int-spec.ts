import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, type WechatSendResultV1 } from '@siyu/contracts';
import { adminQuery, FakeWechatSubscriptionServer, waitFor, type WechatSubscribeSent } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

const TEMPLATE = 'tmpl-send-result';
const SEND = '/cgi-bin/message/subscribe/bizsend';
const MESSAGE = { templateId: TEMPLATE, data: { thing1: '会员日满200减30', time2: '2026-12-12' } };
// The bound after which an in-doubt WeChat send without a result event counts as handed to WeChat.
const RESULT_WAIT_MS = 10_000;

describe('WeChat sends settled by WeChat’s send-result event, in doubt never resent (issue 17 §3)', () => {
  const h = new OutreachHarness();
  let wechat: FakeWechatSubscriptionServer;

  beforeAll(async () => {
    wechat = await FakeWechatSubscriptionServer.start({
      appId: 'wx00000000fake0017',
      appSecret: 'fake-wechat-secret-17',
      templates: { [TEMPLATE]: ['thing1', 'time2'] },
    });
    Object.assign(h.secrets as Record<string, string>, {
      WECHAT_APP_ID: 'wx00000000fake0017',
      WECHAT_APP_SECRET: 'fake-wechat-secret-17',
      WECHAT_API_BASE_URL: wechat.baseUrl,
    });
    await h.start({ reconcile: { wechatResultWaitMs: RESULT_WAIT_MS } });
    h.startHeartbeat();
  });

  afterAll(async () => {
    await h.stop();
    await wechat.close();
  });

  const freshOpenid = () => `o${randomBytes(16).toString('hex')}`;

  async function member(): Promise<{ subjectRef: string; openid: string }> {
    const m = { subjectRef: randomUUID(), openid: freshOpenid() };
    await h.grantOn(m.subjectRef, 'wechat', m.openid);
    return m;
  }

  async function run(refs: string[]): Promise<string> {
    const segment = randomUUID();
    await h.materialize(segment, 1, refs, 'wechat');
    const res = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        name: 'wechat member day',
        segmentId: segment,
        purpose: 'marketing_messages',
        channel: 'wechat',
        variants: [{ name: 'A', variables: {} }],
        schedule: { kind: 'now' },
        quietHours: { start: '00:00', end: '24:00' },
        wechat: MESSAGE,
      });
    expect(res.status).toBe(201);
    return h.startRun(res.body.id);
  }

  const sendOf = async (runId: string) => {
    const [s] = await h.ds.query(
      'SELECT send_id, state, reason, error_code, vendor_message_id FROM sends WHERE run_id = $1',
      [runId],
    );
    return s;
  };

  const sentTo = (openid: string) => wechat.sent.filter((s) => s.openid === openid);
  const callsTo = (openid: string) => wechat.calls.filter((c) => c.path === SEND && c.body.touser === openid);

  /** What consent publishes when WeChat pushes subscribe_msg_sent_event for `sent`. */
  async function resultEvent(
    subjectRef: string,
    sent: WechatSubscribeSent,
    errorCode = 0,
    eventId: string = randomUUID(),
  ): Promise<void> {
    const r = wechat.resultOf(sent, errorCode, errorCode === 0 ? 'success' : 'fail');
    const event: WechatSendResultV1 = {
      eventId,
      type: 'consent.wechat-send-result.v1',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      subjectRef,
      brandId: 'demo',
      msgId: r.msgId,
      templateId: r.templateId,
      errorCode: r.errorCode,
      errorStatus: r.errorStatus,
      sentAt: new Date(r.createTime * 1000).toISOString(),
    };
    await h.transport.publish([
      { topic: TOPICS.consentWechatSendResult, key: subjectRef, value: JSON.stringify(event) },
    ]);
  }

  it('marks a submitted send delivered when the event names its MsgID, kept digit for digit (64-bit)', async () => {
    const m = await member();
    wechat.accept(m.openid, TEMPLATE);
    const runId = await run([m.subjectRef]);
    await h.waitForRun(runId, 'done');
    const [sent] = sentTo(m.openid);
    expect(BigInt(sent.msgid)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(await sendOf(runId)).toMatchObject({ state: 'submitted', vendor_message_id: sent.msgid });

    await resultEvent(m.subjectRef, sent);
    await waitFor(async () => (await sendOf(runId)).state === 'delivered', 'send delivered');
    expect((await h.run(runId)).results).toMatchObject({ submitted: 1, delivered: 1, reconciling: 0 });
  });

  it('answer lost after WeChat accepted: the send stays reconciling, the event (member + template + time) marks it delivered, and it is never sent again', async () => {
    const m = await member();
    wechat.accept(m.openid, TEMPLATE, 2); // a second subscription left: a resend would be delivered twice
    wechat.hangNext(SEND);
    const runId = await run([m.subjectRef]);
    await waitFor(async () => (await sendOf(runId))?.state === 'unknown', 'send in doubt', 15_000);
    const inDoubt = await h.run(runId);
    expect(inDoubt).toMatchObject({ state: 'sending', results: { reconciling: 1 } });

    await resultEvent(m.subjectRef, sentTo(m.openid)[0]);
    await waitFor(async () => (await sendOf(runId)).state === 'delivered', 'send delivered');
    const done = await h.waitForRun(runId, 'done');
    expect(done.results).toMatchObject({ submitted: 1, delivered: 1, reconciling: 0 });
    expect(await sendOf(runId)).toMatchObject({ vendor_message_id: sentTo(m.openid)[0].msgid });
    expect(callsTo(m.openid)).toHaveLength(1);
    expect(sentTo(m.openid)).toHaveLength(1);
    expect(wechat.remaining(m.openid, TEMPLATE)).toBe(1);
  });

  it('a result event that lands while the call is still open is not undone when the call then times out', async () => {
    const m = await member();
    wechat.accept(m.openid, TEMPLATE, 2);
    wechat.hangNext(SEND);
    const runId = await run([m.subjectRef]);
    await waitFor(async () => sentTo(m.openid).length === 1, 'bizsend accepted', 15_000);
    expect((await sendOf(runId)).state).toBe('submitting');
    await resultEvent(m.subjectRef, sentTo(m.openid)[0]);
    const done = await h.waitForRun(runId, 'done', 20_000);
    expect(done.results).toMatchObject({ submitted: 1, delivered: 1, reconciling: 0 });
    expect((await sendOf(runId)).state).toBe('delivered');
    expect(callsTo(m.openid)).toHaveLength(1);
  });

  it('answer lost and no event within the bound: the send counts as handed to WeChat (submitted, wechat_unconfirmed), the run finishes, nothing is sent twice', async () => {
    const m = await member();
    wechat.accept(m.openid, TEMPLATE, 2);
    wechat.hangNext(SEND);
    const runId = await run([m.subjectRef]);
    const done = await h.waitForRun(runId, 'done', RESULT_WAIT_MS + 20_000);
    expect(done.results).toMatchObject({ targeted: 1, submitted: 1, delivered: 0, reconciling: 0 });
    expect(await sendOf(runId)).toMatchObject({
      state: 'submitted',
      reason: 'wechat_unconfirmed',
      error_code: 'WECHAT_NO_RESULT',
    });
    expect(callsTo(m.openid)).toHaveLength(1);
    expect(wechat.remaining(m.openid, TEMPLATE)).toBe(1);

    // A result that comes late still settles it.
    await resultEvent(m.subjectRef, sentTo(m.openid)[0]);
    await waitFor(async () => (await sendOf(runId)).state === 'delivered', 'late result applied');
  }, 60_000);

  it('applies a duplicated event once: the refusal (43101) fails the send and suppresses WeChat with one row', async () => {
    const m = await member();
    wechat.accept(m.openid, TEMPLATE);
    const runId = await run([m.subjectRef]);
    await h.waitForRun(runId, 'done');
    const [sent] = sentTo(m.openid);
    const eventId = randomUUID();
    await resultEvent(m.subjectRef, sent, 43101, eventId);
    await resultEvent(m.subjectRef, sent, 43101, eventId); // redelivered by the broker
    await resultEvent(m.subjectRef, sent, 43101); // pushed again by WeChat, forwarded with a new id
    await resultEvent(m.subjectRef, sent, 0); // and a contradicting late push: the first result stands
    await waitFor(async () => (await sendOf(runId)).state === 'failed', 'send failed');
    await new Promise((r) => setTimeout(r, 500));
    expect(await sendOf(runId)).toMatchObject({
      state: 'failed',
      reason: 'wechat_refused',
      error_code: 'WECHAT_43101',
    });
    expect(
      await adminQuery(
        h.adminUrl,
        'SELECT source, channels FROM outreach.suppressions WHERE subject_ref = $1',
        [m.subjectRef],
      ),
    ).toEqual([{ source: 'wechat_refused', channels: ['wechat'] }]);
  });

  it('ignores a result that matches no open send of the member (another template, or outside the window)', async () => {
    const m = await member();
    wechat.accept(m.openid, TEMPLATE);
    wechat.hangNext(SEND);
    const runId = await run([m.subjectRef]);
    await waitFor(async () => (await sendOf(runId))?.state === 'unknown', 'send in doubt', 15_000);
    const [sent] = sentTo(m.openid);
    await resultEvent(m.subjectRef, { ...sent, templateId: 'tmpl-other' });
    await resultEvent(m.subjectRef, { ...sent, at: new Date(sent.at.getTime() + RESULT_WAIT_MS + 180_000) });
    await resultEvent(randomUUID(), sent);
    await new Promise((r) => setTimeout(r, 500));
    expect((await sendOf(runId)).state).toMatch(/^(unknown|submitted)$/);
    expect((await sendOf(runId)).vendor_message_id).toBeNull();
  });
});
