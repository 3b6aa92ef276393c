import { randomUUID } from 'node:crypto';
import { captureOutput, FakeTencentSmsServer } from '@siyu/testing';
import { TencentSmsChannel } from './tencent-sms.channel';
import { parseTencentStatusCallback } from './tencent-sms.receipts';
import type { OutboundSms, SentMessageRef, SubmitOutcome } from './sms-vendor.channel';
import { readTencentSmsCredentials } from './vendor-credentials';

const SECRET_ID = 'AKIDfakeTencentSecretId0001';
const SECRET_KEY = 'fake-tencent-secret-key-0001';
const APP_ID = '1400000001';
const TEMPLATE = { signName: '示例品牌', templateCode: '2000001' };

let fake: FakeTencentSmsServer;

beforeEach(async () => {
  fake = await FakeTencentSmsServer.start({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    sdkAppId: APP_ID,
    templates: [
      { templateId: 2000001, name: '双十二会员券', content: '会员专享{1}，详情 {2} 拒收请回复R' },
      { templateId: 2000002, name: '发货通知', content: '您的订单已发货' },
      { templateId: 2000003, name: '被拒', content: '新品{1}', statusCode: -1 },
    ],
  });
});
afterEach(async () => {
  await fake.close();
});

function channel(secretKey = SECRET_KEY, reqTimeoutSec = 0.4): TencentSmsChannel {
  const creds = readTencentSmsCredentials({
    TENCENT_SMS_SECRET_ID: SECRET_ID,
    TENCENT_SMS_SECRET_KEY: secretKey,
    TENCENT_SMS_SDK_APP_ID: APP_ID,
    TENCENT_SMS_ENDPOINT: `http://${fake.endpoint}`,
  })!;
  return new TencentSmsChannel(creds, { reqTimeoutSec });
}

let seq = 0;
function messages(
  n: number,
  params: Record<string, string> = { '1': '满200减30', '2': 'https://s.example.cn/u/abc' },
) {
  return Array.from({ length: n }, (): OutboundSms => ({
    sendId: randomUUID(),
    phone: `137${String(20_000_000 + seq++).padStart(8, '0')}`,
    params,
  }));
}

function refs(sent: OutboundSms[], outcomes: SubmitOutcome[]): SentMessageRef[] {
  return sent.map((m, i) => {
    const o = outcomes[i];
    return {
      sendId: m.sendId,
      phone: m.phone,
      submittedAt: new Date(),
      ...(o.status === 'submitted' ? { vendorMessageId: o.vendorMessageId } : {}),
      ...('batchId' in o && o.batchId ? { batchId: o.batchId } : {}),
    };
  });
}

describe('TencentSmsChannel through the official SDK against the fake Tencent Cloud SMS', () => {
  it('submits with a TC3-HMAC-SHA256 signature the fake verifies, our batch id as SessionContext, one SerialNo per number', async () => {
    const batch = messages(3);
    const outcomes = await channel().submit(TEMPLATE, batch);

    expect(outcomes.map((o) => o.status)).toEqual(['submitted', 'submitted', 'submitted']);
    expect(fake.signatureRefusals).toBe(0);
    expect(fake.messages.map((m) => m.phoneNumber)).toEqual(batch.map((m) => `+86${m.phone}`));
    expect(new Set(fake.messages.map((m) => m.sessionContext))).toEqual(new Set([batch[0].sendId]));
    expect(outcomes.map((o) => (o.status === 'submitted' ? o.vendorMessageId : ''))).toEqual(
      fake.messages.map((m) => m.serialNo),
    );
    expect(fake.messages[0].content).toBe(
      '【示例品牌】会员专享满200减30，详情 https://s.example.cn/u/abc 拒收请回复R',
    );
  });

  it('is refused by the fake when signed with a wrong secret key, and nothing is sent', async () => {
    const batch = messages(2);
    const outcomes = await channel('wrong-key').submit(TEMPLATE, batch);

    expect(outcomes).toEqual(
      batch.map(() =>
        expect.objectContaining({
          status: 'rejected',
          errorCode: 'AuthFailure.SignatureFailure',
          suppress: false,
        }),
      ),
    );
    expect(fake.signatureRefusals).toBe(1);
    expect(fake.messages).toHaveLength(0);
  });

  it('splits 250 numbers into 2 SendSms calls of at most 200', async () => {
    const batch = messages(250);
    const outcomes = await channel().submit(TEMPLATE, batch);

    const sends = fake.calls.filter((c) => c.action === 'SendSms');
    expect(sends.map((c) => c.body.PhoneNumberSet.length)).toEqual([200, 50]);
    expect(sends.map((c) => c.body.SessionContext)).toEqual([batch[0].sendId, batch[200].sendId]);
    expect(outcomes.filter((o) => o.status === 'submitted')).toHaveLength(250);
  });

  it('starts no further SendSms call once mayStart says no: the second call of 250 numbers stays unsent', async () => {
    const batch = messages(250);
    let asked = 0;
    const outcomes = await channel().submit(TEMPLATE, batch, () => ++asked === 1);

    expect(fake.messages).toHaveLength(200);
    expect(outcomes.slice(0, 200).every((o) => o.status === 'submitted')).toBe(true);
    expect(outcomes.slice(200)).toEqual(
      batch.slice(200).map((m) => ({ sendId: m.sendId, status: 'not_started' })),
    );
  });

  it('sends messages with different parameters in different calls (one TemplateParamSet per call), outcomes in input order', async () => {
    const a = messages(2, { '1': 'A券', '2': 'https://s.example.cn/a' });
    const b = messages(1, { '1': 'B券', '2': 'https://s.example.cn/b' });
    const batch = [a[0], b[0], a[1]];
    const outcomes = await channel().submit(TEMPLATE, batch);

    expect(fake.calls.filter((c) => c.action === 'SendSms').map((c) => c.body.TemplateParamSet[0])).toEqual([
      'A券',
      'B券',
    ]);
    expect(outcomes.map((o) => o.sendId)).toEqual(batch.map((m) => m.sendId));
    expect(fake.messages.find((m) => m.phoneNumber === `+86${b[0].phone}`)!.params).toEqual([
      'B券',
      'https://s.example.cn/b',
    ]);
  });

  it('maps per-number codes: daily limit → rejected unsuppressed, blacklist → rejected suppressed, the rest submitted in the same call', async () => {
    const batch = messages(5);
    fake.rateLimited.add(batch[1].phone);
    fake.blacklisted.add(batch[3].phone);
    const outcomes = await channel().submit(TEMPLATE, batch);

    expect(outcomes[1]).toEqual(
      expect.objectContaining({
        status: 'rejected',
        errorCode: 'LimitExceeded.PhoneNumberDailyLimit',
        suppress: false,
      }),
    );
    expect(outcomes[3]).toEqual(
      expect.objectContaining({
        status: 'rejected',
        errorCode: 'FailedOperation.PhoneNumberInBlacklist',
        suppress: true,
      }),
    );
    expect(outcomes.filter((o) => o.status === 'submitted')).toHaveLength(3);
    expect(fake.calls.filter((c) => c.action === 'SendSms')).toHaveLength(1);
  });

  it('rejects the whole call, unsuppressed, when the parameters do not fit the approved template', async () => {
    const batch = messages(2, { '1': '只有一个变量' });
    const outcomes = await channel().submit(TEMPLATE, batch);
    expect(outcomes).toEqual(
      batch.map(() =>
        expect.objectContaining({
          status: 'rejected',
          errorCode: 'FailedOperation.TemplateParamSetNotMatchApprovedTemplate',
          suppress: false,
        }),
      ),
    );
    expect(fake.messages).toHaveLength(0);
  });

  it('refuses named (Aliyun-style) parameters before calling Tencent', async () => {
    const [m] = messages(1, { offer: '满200减30' });
    const [o] = await channel().submit(TEMPLATE, [m]);
    expect(o).toEqual(
      expect.objectContaining({ status: 'rejected', errorCode: 'TEMPLATE_PARAMS_NOT_POSITIONAL' }),
    );
    expect(fake.calls).toHaveLength(0);
  });

  it('answers unknown on a timeout and never resends', async () => {
    const batch = messages(3);
    fake.hangNextSend({ accept: true });
    const outcomes = await channel(SECRET_KEY, 0.3).submit(TEMPLATE, batch);

    expect(outcomes).toEqual(
      batch.map((m) => ({
        sendId: m.sendId,
        status: 'unknown',
        errorCode: 'TIMEOUT',
        batchId: batch[0].sendId,
      })),
    );
    expect(fake.calls.filter((c) => c.action === 'SendSms')).toHaveLength(1);
    expect(fake.messages).toHaveLength(3);
  });

  it('reconciles after a crash: a reported message by its SessionContext, an unreported one stays in doubt, a never-received one is not_found', async () => {
    const accepted = messages(2);
    const lost = messages(1);
    fake.hangNextSend({ accept: true });
    fake.hangNextSend({ accept: false });
    const ch = channel(SECRET_KEY, 0.3);
    await ch.submit(TEMPLATE, accepted);
    await ch.submit(TEMPLATE, lost);
    fake.report(accepted[0].phone, { delivered: true });

    const afterCrash = [...accepted, ...lost].map((m) => ({
      sendId: m.sendId,
      phone: m.phone,
      submittedAt: new Date(),
    }));
    const reports = await ch.reconcile(afterCrash);

    expect(reports.map((r) => [r.sendId, r.status, r.inDoubt ?? false])).toEqual([
      [accepted[0].sendId, 'delivered', false],
      [accepted[1].sendId, 'submitted', true],
      [lost[0].sendId, 'not_found', false],
    ]);
    expect(reports[0].vendorMessageId).toBe(fake.messages[0].serialNo);
  });

  it('reconciles by SerialNo when the submit answered: delivered, failed with the carrier code, still sending', async () => {
    const batch = messages(3);
    const outcomes = await channel().submit(TEMPLATE, batch);
    fake.report(batch[0].phone, { delivered: true });
    fake.report(batch[1].phone, { delivered: false, code: 'MBBLACK' });

    const reports = await channel().reconcile(refs(batch, outcomes));
    expect(reports.map((r) => [r.status, r.errorCode])).toEqual([
      ['delivered', undefined],
      ['failed', 'MBBLACK'],
      ['submitted', undefined],
    ]);
    expect(reports[2].inDoubt).toBeUndefined();
  });

  it('pulls each receipt once with PullSmsSendStatus, flagging a blacklisted number', async () => {
    const batch = messages(2);
    await channel().submit(TEMPLATE, batch);
    fake.report(batch[0].phone, { delivered: true });
    fake.report(batch[1].phone, { delivered: false, code: 'MBBLACK' });

    const first = await channel().pullReceipts();
    expect(first).toEqual([
      expect.objectContaining({
        phone: batch[0].phone,
        batchId: batch[0].sendId,
        status: 'delivered',
        suppress: false,
      }),
      expect.objectContaining({
        phone: batch[1].phone,
        status: 'failed',
        suppress: true,
        suppressReason: 'blacklisted',
      }),
    ]);
    expect(await channel().pullReceipts()).toEqual([]);
  });

  it('parses the status callback body, flagging MBBLACK, and refuses a malformed one by element and field', async () => {
    const batch = messages(2);
    const outcomes = await channel().submit(TEMPLATE, batch);
    fake.report(batch[0].phone, { delivered: true });
    fake.report(batch[1].phone, { delivered: false, code: 'MBBLACK' });

    const receipts = parseTencentStatusCallback(JSON.parse(JSON.stringify(fake.statusCallbacks())));
    expect(receipts).toEqual([
      expect.objectContaining({
        phone: batch[0].phone,
        status: 'delivered',
        vendorMessageId: outcomes[0].status === 'submitted' ? outcomes[0].vendorMessageId : '',
        suppress: false,
      }),
      expect.objectContaining({
        phone: batch[1].phone,
        status: 'failed',
        errorCode: 'MBBLACK',
        suppress: true,
      }),
    ]);
    expect(receipts[0].reportedAt).toBeInstanceOf(Date);
    expect(() =>
      parseTencentStatusCallback([{ mobile: '13700000000', report_status: 'MAYBE', sid: 'x' }]),
    ).toThrow('callback[0].report_status must be SUCCESS or FAIL');
    expect(() => parseTencentStatusCallback({})).toThrow('the body must be a JSON array');
  });

  it('lists templates through DescribeSmsTemplateList with their review status', async () => {
    expect(await channel().listTemplates()).toEqual([
      {
        templateCode: '2000001',
        name: '双十二会员券',
        content: '会员专享{1}，详情 {2} 拒收请回复R',
        kind: 'marketing',
        status: 'approved',
      },
      {
        templateCode: '2000002',
        name: '发货通知',
        content: '您的订单已发货',
        kind: 'notification',
        status: 'approved',
      },
      { templateCode: '2000003', name: '被拒', content: '新品{1}', kind: 'notification', status: 'rejected' },
    ]);
  });

  it('writes no phone number to any log line, whatever the outcome', async () => {
    const batch = messages(4);
    fake.blacklisted.add(batch[0].phone);
    fake.rateLimited.add(batch[1].phone);
    const out = await captureOutput(async () => {
      await channel().submit(TEMPLATE, batch);
      await channel('wrong').submit(TEMPLATE, batch);
      fake.hangNextSend({ accept: false });
      await channel(SECRET_KEY, 0.2).submit(TEMPLATE, batch);
      await channel().reconcile(
        batch.map((m) => ({ sendId: m.sendId, phone: m.phone, submittedAt: new Date() })),
      );
    });
    expect(out.length).toBeGreaterThan(0);
    for (const m of batch) expect(out).not.toContain(m.phone.slice(3));
    expect(out).not.toContain(SECRET_KEY);
  });
});
