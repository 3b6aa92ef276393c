import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TOPICS } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { adminQuery, bearer, captureOutput, FakeWecomServer, waitFor } from '@siyu/testing';
import { ConsentKeys } from '../src/consent.keys';
import { defaultNotice } from '../src/notices/notice';
import { startConsentApp, type ConsentTestApp } from './consent-test-app';

const CORP = {
  corpId: 'ww00000000door0001',
  secret: 'fake-wecom-door-secret',
  token: 'fakeDoorCallbackToken',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};
const WELCOME = '/cgi-bin/externalcontact/send_welcome_msg';

describe('the WeCom door: adding staff is not consent; the welcome message links the consent page; deleting staff withdraws (R6, R7, R9)', () => {
  let t: ConsentTestApp;
  let wecom: FakeWecomServer;
  const events: { topic: string; value: Record<string, any> }[] = [];

  beforeAll(async () => {
    wecom = await FakeWecomServer.start(CORP);
    t = await startConsentApp({
      listen: true,
      env: {
        WECOM_CORP_ID: CORP.corpId,
        WECOM_SECRET: CORP.secret,
        WECOM_TOKEN: CORP.token,
        WECOM_AES_KEY: CORP.encodingAesKey,
        WECOM_API_BASE_URL: wecom.baseUrl,
      },
    });
    // The brand's notice must list WeCom before anyone can agree to it there (R5, R7).
    await request(t.http)
      .post('/api/v1/consent/notices')
      .set('Authorization', await bearer(t.authKeys, 'privacy_officer'))
      .send({
        ...defaultNotice('示例品牌', 'privacy@example.com'),
        channels: ['sms', 'wechat', 'wecom'],
        dataCategories: ['手机号码（经验证码验证）', '企业微信联系人标识（加密保存）'],
      })
      .expect(201);
    await t.app
      .get(ServiceMessaging)
      .transport.subscribe('wecom-door-spec', [TOPICS.consentGranted, TOPICS.consentWithdrawn], async (m) => {
        events.push({ topic: m.topic, value: JSON.parse(m.value) });
      });
  });

  afterAll(async () => {
    await t?.close();
    await wecom?.close();
  });

  const freshExternalUserId = () => `wm${randomBytes(16).toString('base64url')}`;
  const event = (changeType: string, externalUserId: string, extra: Record<string, string> = {}) => ({
    ToUserName: CORP.corpId,
    FromUserName: 'sys',
    CreateTime: String(Math.floor(Date.now() / 1000)),
    MsgType: 'event',
    Event: 'change_external_contact',
    ChangeType: changeType,
    UserID: 'zhangsan',
    ExternalUserID: externalUserId,
    ...extra,
  });
  const ledgerOf = (subjectRef: string) =>
    adminQuery<{
      action: string;
      source: string | null;
      channels: string[];
      door: string | null;
      evidence: any;
    }>(
      t.adminUrl,
      'SELECT action, source, channels, door, evidence FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );

  it('welcomes a new contact with a consent link, grants WeCom only on agreeing, emits the contact sealed, and withdraws when the customer deletes the staff member', async () => {
    const externalUserId = freshExternalUserId();
    const ledgerBefore = await adminQuery(t.adminUrl, 'SELECT count(*)::int AS n FROM consent.ledger');
    let link = '';
    let subjectRef = '';
    // The one-time code WeCom puts in the add event (valid 20 s, once); the fake checks it.
    const welcomeCode = wecom.issueWelcomeCode(externalUserId, 'zhangsan');
    const output = await captureOutput(async () => {
      const added = await wecom.pushEvent(
        `${t.baseUrl}/webhooks/wecom`,
        event('add_external_contact', externalUserId, { State: 'card', WelcomeCode: welcomeCode }),
      );
      expect(added.status).toBe(200);

      // Adding the staff member is not consent (R6): nothing in the ledger, only the welcome message.
      expect(await adminQuery(t.adminUrl, 'SELECT count(*)::int AS n FROM consent.ledger')).toEqual(
        ledgerBefore,
      );
      const welcome = wecom.calls.find(
        (c) => c.path === WELCOME && (c.body as any).welcome_code === welcomeCode,
      );
      // WeCom accepted it: the welcome went to this contact from this staff member, once.
      expect(welcome!.errcode).toBe(0);
      expect(wecom.welcomes.filter((w) => w.externalUserId === externalUserId)).toMatchObject([
        { staffUserId: 'zhangsan' },
      ]);
      const text: string = (welcome!.body as any).text.content;
      expect(text).not.toContain(externalUserId);
      link = /http:\/\/127\.0\.0\.1:3002(\/w\/[\w.-]+)/.exec(text)![1];

      const page = await request(t.baseUrl).get(link).expect(200);
      expect(page.text).toContain('value="wecom"');
      expect(page.text).not.toContain('value="sms"');
      expect(page.text).not.toContain('checked');
      expect(page.text).not.toContain(externalUserId);
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page.text)![1];
      const agree = (fields: Record<string, string>) =>
        request(t.baseUrl)
          .post(`${link}/agree`)
          .type('form')
          .send(
            new URLSearchParams({
              nonce: field('nonce'),
              lang: field('lang'),
              notice: field('notice'),
              purposes: 'marketing_messages',
              channels: 'wecom',
              tz: 'Asia/Shanghai',
              ...fields,
            }).toString(),
          );
      // Without the agree box nothing is granted; the same step comes back with the reason.
      const unticked = await agree({}).expect(400);
      expect(unticked.text).toContain('value="wecom"');
      const done = await agree({ agree: 'yes' }).expect(200);
      expect(done.text).toContain('已加入');

      await waitFor(
        async () =>
          events.some((e) => e.topic === TOPICS.consentGranted && e.value.channels.includes('wecom')),
        'consent.granted.v1 for WeCom',
      );
    });

    const granted = events.find(
      (e) => e.topic === TOPICS.consentGranted && e.value.channels.includes('wecom'),
    )!;
    subjectRef = granted.value.subjectRef;
    expect(granted.value).toMatchObject({
      channels: ['wecom'],
      door: 'parcel_qr',
      timeZone: 'Asia/Shanghai',
    });
    expect(granted.value.contactPoints).toEqual([
      { channel: 'wecom', sealed: expect.stringMatching(/^c1\./) },
    ]);
    expect(
      JSON.parse(t.app.get(ConsentKeys).contacts.open(granted.value.contactPoints[0].sealed, subjectRef)),
    ).toEqual({
      externalUserId,
      staffUserId: 'zhangsan',
    });
    const [grant] = await ledgerOf(subjectRef);
    expect(grant).toMatchObject({ action: 'granted', channels: ['wecom'], door: 'parcel_qr' });
    expect(grant.evidence).toMatchObject({
      contactVerifiedBy: 'wecom_contact',
      reachedFrom: 'wecom_welcome_message',
    });

    // R9: the customer deletes the staff member → WeCom withdrawn at once; WeCom's retry changes nothing.
    const deletion = event('del_follow_user', externalUserId);
    expect((await wecom.pushEvent(`${t.baseUrl}/webhooks/wecom`, deletion)).status).toBe(200);
    expect((await wecom.pushEvent(`${t.baseUrl}/webhooks/wecom`, deletion)).status).toBe(200);
    expect((await ledgerOf(subjectRef)).map((e) => [e.action, e.source, e.channels])).toEqual([
      ['granted', null, ['wecom']],
      ['withdrawn', 'wecom', ['wecom']],
    ]);
    await waitFor(
      async () =>
        events.some((e) => e.topic === TOPICS.consentWithdrawn && e.value.subjectRef === subjectRef),
      'consent.withdrawn.v1 for WeCom',
    );

    // R1, R16: the external_userid is in no log line, no event and no consent row in clear.
    expect(output).not.toContain(externalUserId);
    for (const e of events) expect(JSON.stringify(e.value)).not.toContain(externalUserId);
    const rows = await adminQuery(
      t.adminUrl,
      `SELECT (SELECT json_agg(l) FROM consent.ledger l)::text AS ledger,
              (SELECT json_agg(b) FROM consent.wecom_bindings b)::text AS bindings,
              (SELECT json_agg(s) FROM consent.subjects s)::text AS subjects`,
    );
    expect(JSON.stringify(rows)).not.toContain(externalUserId);
  });

  it('a deletion by a customer who never agreed changes nothing', async () => {
    const before = await adminQuery(t.adminUrl, 'SELECT count(*)::int AS n FROM consent.ledger');
    const res = await wecom.pushEvent(
      `${t.baseUrl}/webhooks/wecom`,
      event('del_follow_user', freshExternalUserId()),
    );
    expect(res.status).toBe(200);
    expect(await adminQuery(t.adminUrl, 'SELECT count(*)::int AS n FROM consent.ledger')).toEqual(before);
  });

  it('refuses a callback signed with another token, and a consent link that was not issued by us', async () => {
    const forged = await wecom.pushEvent(
      `${t.baseUrl}/webhooks/wecom`,
      event('del_follow_user', freshExternalUserId()),
      {
        token: 'not-our-token',
      },
    );
    expect(forged.status).toBe(401);
    await request(t.baseUrl).get('/w/not-a-token').expect(404);
  });

  it('answers WeCom’s URL check with the decrypted echostr', async () => {
    const q = wecom.urlCheck('5927782489442352469');
    const res = await request(t.baseUrl).get('/webhooks/wecom').query(q).expect(200);
    expect(res.text).toBe('5927782489442352469');
  });
});
