import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { readAudit } from '@siyu/audit';
import { adminQuery, FakeWechatSubscriptionServer, FakeWecomServer, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

const WECHAT_TEMPLATE = 'tmpl-member-day';

describe('WeCom and WeChat campaigns through their channel clients, gated per channel consent (issue 17 §3)', () => {
  const h = new OutreachHarness();
  let wecom: FakeWecomServer;
  let wechat: FakeWechatSubscriptionServer;

  beforeAll(async () => {
    wecom = await FakeWecomServer.start({
      corpId: 'ww00000000fake0002',
      secret: 'fake-wecom-contact-secret-2',
      token: 'fakeCallbackToken2',
      encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    });
    wechat = await FakeWechatSubscriptionServer.start({
      appId: 'wx00000000fake0002',
      appSecret: 'fake-wechat-secret-2',
      templates: { [WECHAT_TEMPLATE]: ['thing1', 'time2'] },
    });
    Object.assign(h.secrets as Record<string, string>, {
      WECOM_CORP_ID: 'ww00000000fake0002',
      WECOM_SECRET: 'fake-wecom-contact-secret-2',
      WECOM_TOKEN: 'fakeCallbackToken2',
      WECOM_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      WECOM_API_BASE_URL: wecom.baseUrl,
      WECHAT_APP_ID: 'wx00000000fake0002',
      WECHAT_APP_SECRET: 'fake-wechat-secret-2',
      WECHAT_API_BASE_URL: wechat.baseUrl,
    });
    await h.start();
    h.startHeartbeat();
  });

  afterAll(async () => {
    await h.stop();
    await wecom.close();
    await wechat.close();
  });

  async function campaign(channel: 'wecom' | 'wechat', refs: string[], content: object): Promise<string> {
    const segment = randomUUID();
    await h.materialize(segment, 1, refs, channel);
    const res = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        name: `${channel} member day`,
        segmentId: segment,
        purpose: 'marketing_messages',
        channel,
        variants: [{ name: 'A', variables: {} }],
        schedule: { kind: 'now' },
        quietHours: { start: '00:00', end: '24:00' },
        ...content,
      });
    expect(res.status).toBe(201);
    return h.startRun(res.body.id);
  }

  const wecomContact = (externalUserId: string, staffUserId: string) =>
    JSON.stringify({ externalUserId, staffUserId });

  it('creates one WeCom task per customer for the staff member who owns them, records the result per customer, and gates on WeCom consent', async () => {
    const [a, b, smsOnly] = [randomUUID(), randomUUID(), randomUUID()];
    wecom.addContact('wmCustomerA', 'zhangsan');
    wecom.addContact('wmCustomerB', 'lisi');
    await h.grantOn(a, 'wecom', wecomContact('wmCustomerA', 'zhangsan'));
    await h.grantOn(b, 'wecom', wecomContact('wmCustomerB', 'lisi'));
    await h.grant(smsOnly, '13800000001'); // consent for SMS is no consent for WeCom
    const runId = await campaign('wecom', [a, b, smsOnly], {
      wecom: { text: '广告 会员日满200减30，不想再收到点此 ${unsubscribe_link}' },
    });
    await h.waitForRun(runId, 'sending', 20_000).catch(() => h.run(runId));
    await waitFor(async () => wecom.tasks.length >= 2, 'two WeCom tasks');
    expect(wecom.tasks.map((t) => [t.sender, t.externalUserIds])).toEqual(
      expect.arrayContaining([
        ['zhangsan', ['wmCustomerA']],
        ['lisi', ['wmCustomerB']],
      ]),
    );
    // Each customer's text carries their own unsubscribe link (R9), no other personal data.
    expect(wecom.tasks[0].text).toMatch(/^广告 会员日满200减30，不想再收到点此 http/);
    expect(wecom.tasks[0].text).not.toEqual(wecom.tasks[1].text);
    // Read again: the snapshot above may predate the gate's first chunk.
    expect((await h.run(runId)).results.blocked).toEqual({ no_consent: 1 });

    // Nothing is sent until each staff member confirms; then the result per customer is pulled.
    for (const t of wecom.tasks) wecom.confirm(t.msgid);
    await waitFor(async () => (await h.run(runId)).results.delivered === 2, 'WeCom results pulled', 20_000);
    expect((await h.run(runId)).state).toBe('done');
    const audit = await readAudit(h.ds.manager, a);
    expect(audit[0]).toMatchObject({
      action: 'decrypt_contact_for_dispatch',
      fields: ['wecom_external_userid'],
      purpose: 'marketing_messages',
    });
  });

  it('knows WeCom’s 4-per-month limit before sending: a fifth message this month is refused by the gate as frequency_cap', async () => {
    const c = randomUUID();
    wecom.addContact('wmCustomerC', 'zhangsan');
    await h.grantOn(c, 'wecom', wecomContact('wmCustomerC', 'zhangsan'));
    // Four WeCom messages already reached c this natural month through outreach.
    for (let i = 0; i < 4; i++) {
      const runId = await campaign('wecom', [c], {
        wecom: { text: `广告 第${i + 1}期 \${unsubscribe_link}` },
      });
      await waitFor(async () => (await h.run(runId)).results.submitted === 1, `message ${i + 1}`);
      // A send counts as submitted when the gate admits it, before the vendor call lands: wait for
      // the fake WeCom to hold the task too, or the count below may miss the fourth one.
      await waitFor(
        async () => wecom.tasks.filter((t) => t.externalUserIds.includes('wmCustomerC')).length === i + 1,
        `WeCom task ${i + 1}`,
      );
    }
    const tasksBefore = wecom.tasks.length;
    const fifth = await campaign('wecom', [c], { wecom: { text: '广告 第5期 ${unsubscribe_link}' } });
    const run = await h.waitForRun(fifth, 'done');
    expect(run.results).toMatchObject({ submitted: 0, blocked: { frequency_cap: 1 } });
    expect(wecom.tasks.length).toBe(tasksBefore);
  });

  it('sends WeChat subscription messages to members with WeChat consent; 43101 is recorded and suppresses WeChat for that member', async () => {
    const [d, e] = [randomUUID(), randomUUID()];
    await h.grantOn(d, 'wechat', 'oOpenidD000000000000000001');
    await h.grantOn(e, 'wechat', 'oOpenidE000000000000000001');
    wechat.accept('oOpenidD000000000000000001', WECHAT_TEMPLATE);
    const message = { templateId: WECHAT_TEMPLATE, data: { thing1: '会员日满200减30', time2: '2026-12-12' } };
    const run = await h.waitForRun(await campaign('wechat', [d, e], { wechat: message }), 'done');
    expect(run.results).toMatchObject({ targeted: 2, submitted: 1, failed: { WECHAT_43101: 1 } });
    expect(wechat.sent.map((s) => [s.openid, s.templateId, s.data])).toEqual([
      ['oOpenidD000000000000000001', WECHAT_TEMPLATE, message.data],
    ]);
    expect(
      await adminQuery(
        h.adminUrl,
        'SELECT source, channels FROM outreach.suppressions WHERE subject_ref = $1',
        [e],
      ),
    ).toEqual([{ source: 'wechat_refused', channels: ['wechat'] }]);
    const again = await h.waitForRun(await campaign('wechat', [e], { wechat: message }), 'done');
    expect(again.results).toMatchObject({ submitted: 0, blocked: { suppressed: 1 } });
  });

  it('refuses a WeCom marketing text without the unsubscribe link and a WeChat value that looks like personal information', async () => {
    const segment = randomUUID();
    await h.materialize(segment, 1, [randomUUID()], 'wecom');
    const base = {
      name: 'bad',
      segmentId: segment,
      purpose: 'marketing_messages',
      variants: [{ name: 'A', variables: {} }],
      schedule: { kind: 'now' },
    };
    const noLink = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({ ...base, channel: 'wecom', wecom: { text: '广告 会员日满200减30' } })
      .expect(422);
    expect(noLink.body.message).toContain('wecom.text lacks ${unsubscribe_link}');
    const segment2 = randomUUID();
    await h.materialize(segment2, 1, [randomUUID()], 'wechat');
    const pii = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        ...base,
        segmentId: segment2,
        channel: 'wechat',
        wechat: { templateId: WECHAT_TEMPLATE, data: { thing1: '致13812345678的您' } },
      })
      .expect(422);
    expect(pii.body.message).toContain('wechat.data.thing1 looks like personal information');
  });
});
