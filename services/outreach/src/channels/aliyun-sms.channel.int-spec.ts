import { randomUUID } from 'node:crypto';
import { captureOutput, FakeAliyunSmsServer } from '@siyu/testing';
import { AliyunSmsChannel } from './aliyun-sms.channel';
import { parseAliyunSmsReports } from './aliyun-sms.receipts';
import { receiptToDeliveryReport } from './sms-receipt';
import type { OutboundSms, SentMessageRef, SubmitOutcome } from './sms-vendor.channel';
import { readAliyunSmsCredentials } from './vendor-credentials';

const KEY_ID = 'LTAI5tFakeKeyId0001';
const SECRET = 'fake-aliyun-secret-0001';
const TEMPLATE = { signName: '示例品牌', templateCode: 'SMS_480000001' };

let fake: FakeAliyunSmsServer;

beforeEach(async () => {
  fake = await FakeAliyunSmsServer.start({
    accessKeyId: KEY_ID,
    accessKeySecret: SECRET,
    templates: [
      {
        templateCode: TEMPLATE.templateCode,
        templateName: '双十二会员券',
        content: '会员专享${offer}，详情 ${link} 拒收请回复R',
        type: 2,
      },
      { templateCode: 'SMS_480000002', templateName: '发货通知', content: '您的订单已发货', type: 1 },
      {
        templateCode: 'SMS_480000003',
        templateName: '待审',
        content: '新品${offer}',
        type: 2,
        auditStatus: 'AUDIT_STATE_INIT',
      },
    ],
  });
});
afterEach(async () => {
  await fake.close();
});

function channel(secret = SECRET, readTimeoutMs = 400, queryVisibilityLagMs = 0): AliyunSmsChannel {
  const creds = readAliyunSmsCredentials({
    ALIYUN_SMS_ACCESS_KEY_ID: KEY_ID,
    ALIYUN_SMS_ACCESS_KEY_SECRET: secret,
    ALIYUN_SMS_ENDPOINT: `http://${fake.endpoint}`,
  })!;
  return new AliyunSmsChannel(creds, { readTimeoutMs, queryVisibilityLagMs });
}

let seq = 0;
function messages(n: number): OutboundSms[] {
  return Array.from({ length: n }, () => ({
    sendId: randomUUID(),
    phone: `139${String(10_000_000 + (seq++ % 89_999_999)).padStart(8, '0')}`,
    params: { offer: '满200减30', link: 'https://s.example.cn/u/abc' },
  }));
}

function refs(sent: OutboundSms[], outcomes: SubmitOutcome[], submittedAt = new Date()): SentMessageRef[] {
  return sent.map((m, i) => {
    const o = outcomes[i];
    return {
      sendId: m.sendId,
      phone: m.phone,
      submittedAt,
      ...(o.status === 'submitted' ? { vendorMessageId: o.vendorMessageId } : {}),
      ...('batchId' in o && o.batchId ? { batchId: o.batchId } : {}),
    };
  });
}

describe('AliyunSmsChannel through the official SDK against the fake Aliyun', () => {
  it('submits a batch whose ACS3-HMAC-SHA256 signature the fake verifies, with our batch id as OutId', async () => {
    const batch = messages(3);
    const outcomes = await channel().submit(TEMPLATE, batch);

    expect(outcomes.map((o) => o.status)).toEqual(['submitted', 'submitted', 'submitted']);
    expect(outcomes.map((o) => o.sendId)).toEqual(batch.map((m) => m.sendId));
    expect(fake.signatureRefusals).toBe(0);
    expect(fake.messages.map((m) => m.phone)).toEqual(batch.map((m) => m.phone));
    expect(new Set(fake.messages.map((m) => m.outId))).toEqual(new Set([batch[0].sendId]));
    expect(fake.messages[0].content).toBe(
      '【示例品牌】会员专享满200减30，详情 https://s.example.cn/u/abc 拒收请回复R',
    );
    const first = outcomes[0];
    expect(first.status === 'submitted' && first.batchId).toBe(batch[0].sendId);
  });

  it('is refused by the fake when signed with a wrong secret, and nothing is sent', async () => {
    const batch = messages(2);
    const outcomes = await channel('not-the-secret').submit(TEMPLATE, batch);

    expect(outcomes).toEqual(
      batch.map((m) =>
        expect.objectContaining({
          sendId: m.sendId,
          status: 'rejected',
          errorCode: 'SignatureDoesNotMatch',
          suppress: false,
        }),
      ),
    );
    expect(fake.signatureRefusals).toBe(1);
    expect(fake.messages).toHaveLength(0);
  });

  it('splits 250 numbers into 3 SendBatchSms calls of at most 100, each with its own OutId', async () => {
    const batch = messages(250);
    const outcomes = await channel().submit(TEMPLATE, batch);

    const sends = fake.calls.filter((c) => c.action === 'SendBatchSms');
    expect(sends.map((c) => JSON.parse(c.form.PhoneNumberJson).length)).toEqual([100, 100, 50]);
    expect(sends.map((c) => c.query.OutId)).toEqual([batch[0].sendId, batch[100].sendId, batch[200].sendId]);
    expect(outcomes.filter((o) => o.status === 'submitted')).toHaveLength(250);
    expect(fake.messages).toHaveLength(250);
  });

  it('rejects a rate-limited number without suppressing it, and still submits the rest of its batch', async () => {
    const batch = messages(8);
    fake.rateLimited.add(batch[5].phone);
    const outcomes = await channel().submit(TEMPLATE, batch);

    expect(outcomes[5]).toEqual(
      expect.objectContaining({
        status: 'rejected',
        errorCode: 'isv.BUSINESS_LIMIT_CONTROL',
        suppress: false,
      }),
    );
    expect(outcomes.filter((o) => o.status === 'submitted')).toHaveLength(7);
    expect(fake.messages.map((m) => m.phone).sort()).toEqual(
      batch
        .filter((_, i) => i !== 5)
        .map((m) => m.phone)
        .sort(),
    );
  });

  it('rejects a blacklisted number with suppress, and sends every other number exactly once', async () => {
    const batch = messages(100);
    fake.blacklisted.add(batch[37].phone);
    const outcomes = await channel().submit(TEMPLATE, batch);

    expect(outcomes[37]).toEqual(
      expect.objectContaining({
        sendId: batch[37].sendId,
        status: 'rejected',
        errorCode: 'isv.BLACK_KEY_CONTROL_LIMIT',
        suppress: true,
      }),
    );
    expect(outcomes.filter((o) => o.status === 'submitted')).toHaveLength(99);
    const sentPhones = fake.messages.map((m) => m.phone);
    expect(new Set(sentPhones).size).toBe(99);
    expect(sentPhones).toHaveLength(99);
  });

  it('starts no call once mayStart says no: the halves of a batch refused for one number stay unsent (ADR 0006)', async () => {
    const batch = messages(8);
    fake.blacklisted.add(batch[5].phone);
    let asked = 0;
    // The first call may start; the deadline passes before the halves would.
    const outcomes = await channel().submit(TEMPLATE, batch, () => ++asked === 1);

    expect(fake.calls.filter((c) => c.action === 'SendBatchSms')).toHaveLength(1);
    expect(fake.messages).toHaveLength(0);
    expect(asked).toBeGreaterThan(1);
    expect(outcomes).toEqual(batch.map((m) => ({ sendId: m.sendId, status: 'not_started' })));
  });

  it('makes no call at all when mayStart says no before the first one', async () => {
    const batch = messages(3);
    const outcomes = await channel().submit(TEMPLATE, batch, () => false);

    expect(fake.calls).toHaveLength(0);
    expect(outcomes.map((o) => o.status)).toEqual(['not_started', 'not_started', 'not_started']);
  });

  it('rejects the whole batch, unsuppressed, when the template parameters miss a variable', async () => {
    const batch = messages(3).map((m) => ({ ...m, params: { offer: '满200减30' } }));
    const outcomes = await channel().submit(TEMPLATE, batch);

    expect(outcomes).toEqual(
      batch.map(() =>
        expect.objectContaining({
          status: 'rejected',
          errorCode: 'isv.TEMPLATE_MISSING_PARAMETERS',
          suppress: false,
        }),
      ),
    );
    expect(fake.messages).toHaveLength(0);
  });

  it('answers unknown on a timeout and never resends the batch', async () => {
    const batch = messages(4);
    fake.hangNextSend({ accept: true });
    const outcomes = await channel(SECRET, 300).submit(TEMPLATE, batch);

    expect(outcomes).toEqual(
      batch.map((m) => ({
        sendId: m.sendId,
        status: 'unknown',
        errorCode: 'TIMEOUT',
        batchId: batch[0].sendId,
      })),
    );
    expect(fake.calls.filter((c) => c.action === 'SendBatchSms')).toHaveLength(1);
    expect(fake.messages).toHaveLength(4);
  });

  it('times out on a reused keep-alive connection too, not only on a fresh one', async () => {
    const ch = channel(SECRET, 300);
    await ch.submit(TEMPLATE, messages(1));
    fake.hangNextSend({ accept: false });
    const started = Date.now();
    const [o] = await ch.submit(TEMPLATE, messages(1));
    expect(o).toEqual(expect.objectContaining({ status: 'unknown', errorCode: 'TIMEOUT' }));
    // Without connectTimeout = readTimeout the SDK waited its 3 s connect timeout here.
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('answers unknown when Aliyun reports its own system error (it may have sent)', async () => {
    const batch = messages(2);
    fake.failNextSend('isp.SYSTEM_ERROR');
    const outcomes = await channel().submit(TEMPLATE, batch);
    expect(outcomes.map((o) => [o.status, o.status === 'unknown' ? o.errorCode : ''])).toEqual([
      ['unknown', 'isp.SYSTEM_ERROR'],
      ['unknown', 'isp.SYSTEM_ERROR'],
    ]);
  });

  it('rejects (nothing sent, safe to try later) when the vendor cannot be connected to', async () => {
    const ch = channel();
    await fake.close();
    const outcomes = await ch.submit(TEMPLATE, messages(1));
    expect(outcomes[0]).toEqual(
      expect.objectContaining({ status: 'rejected', errorCode: 'CONNECTION_REFUSED', suppress: false }),
    );
    fake = await FakeAliyunSmsServer.start({ accessKeyId: KEY_ID, accessKeySecret: SECRET });
  });

  it('reconciles after a crash: finds what the vendor accepted before it, not_found for what it never got', async () => {
    const accepted = messages(2);
    const lost = messages(2);
    fake.hangNextSend({ accept: true });
    fake.hangNextSend({ accept: false });
    const ch = channel(SECRET, 300);
    const o1 = await ch.submit(TEMPLATE, accepted);
    const o2 = await ch.submit(TEMPLATE, lost);
    fake.report(accepted[0].phone, { delivered: true });

    // After the "crash" the caller may have lost the outcomes: only send id, phone and time remain.
    const afterCrash = [...accepted, ...lost].map((m) => ({
      sendId: m.sendId,
      phone: m.phone,
      submittedAt: new Date(),
    }));
    const reports = await ch.reconcile(afterCrash);

    expect(reports.map((r) => [r.sendId, r.status])).toEqual([
      [accepted[0].sendId, 'delivered'],
      [accepted[1].sendId, 'submitted'],
      [lost[0].sendId, 'not_found'],
      [lost[1].sendId, 'not_found'],
    ]);
    // With the outcomes' batch ids it matches the same way.
    const withRefs = await ch.reconcile(refs(accepted, o1).concat(refs(lost, o2)));
    expect(withRefs.map((r) => r.status)).toEqual(['delivered', 'submitted', 'not_found', 'not_found']);
  });

  it('does not take another run’s message to the same number for ours', async () => {
    const ours = messages(1);
    const other = [{ ...messages(1)[0], phone: ours[0].phone }];
    await channel().submit(TEMPLATE, other);

    const [report] = await channel().reconcile([
      { sendId: ours[0].sendId, phone: ours[0].phone, submittedAt: new Date() },
    ]);
    expect(report.status).toBe('not_found');
  });

  it('keeps a just-submitted message in doubt instead of not_found while the vendor may not show it yet', async () => {
    const lost = messages(1);
    const [report] = await channel(SECRET, 400, 60_000).reconcile([
      { sendId: lost[0].sendId, phone: lost[0].phone, submittedAt: new Date() },
    ]);
    expect(report).toEqual(expect.objectContaining({ status: 'submitted', inDoubt: true }));
  });

  it('reports a carrier failure code from QuerySendDetails', async () => {
    const batch = messages(1);
    const outcomes = await channel().submit(TEMPLATE, batch);
    fake.report(batch[0].phone, { delivered: false, errCode: 'MBBLACK' });

    const [report] = await channel().reconcile(refs(batch, outcomes));
    expect(report).toEqual(expect.objectContaining({ status: 'failed', errorCode: 'MBBLACK' }));
    expect(report.reportedAt).toBeInstanceOf(Date);
  });

  it('lists the approved, pending and marketing templates through QuerySmsTemplateList', async () => {
    const templates = await channel().listTemplates();
    expect(templates).toEqual([
      {
        templateCode: 'SMS_480000001',
        name: '双十二会员券',
        content: '会员专享${offer}，详情 ${link} 拒收请回复R',
        kind: 'marketing',
        status: 'approved',
      },
      {
        templateCode: 'SMS_480000002',
        name: '发货通知',
        content: '您的订单已发货',
        kind: 'notification',
        status: 'approved',
      },
      {
        templateCode: 'SMS_480000003',
        name: '待审',
        content: '新品${offer}',
        kind: 'marketing',
        status: 'pending',
      },
    ]);
  });

  it('parses the SmsReport receipts the fake pushes, flagging a blacklisted number for suppression', async () => {
    const batch = messages(2);
    const outcomes = await channel().submit(TEMPLATE, batch);
    fake.report(batch[0].phone, { delivered: true });
    fake.report(batch[1].phone, { delivered: false, errCode: 'MBBLACK' });

    const receipts = parseAliyunSmsReports(JSON.parse(JSON.stringify(fake.smsReports())));
    expect(receipts).toEqual([
      expect.objectContaining({
        phone: batch[0].phone,
        batchId: batch[0].sendId,
        status: 'delivered',
        suppress: false,
      }),
      expect.objectContaining({
        phone: batch[1].phone,
        batchId: batch[0].sendId,
        status: 'failed',
        errorCode: 'MBBLACK',
        suppress: true,
        suppressReason: 'blacklisted',
      }),
    ]);
    const o = outcomes[0];
    expect(receiptToDeliveryReport(receipts[0], batch[0].sendId)).toEqual(
      expect.objectContaining({
        sendId: batch[0].sendId,
        status: 'delivered',
        vendorMessageId: o.status === 'submitted' ? o.vendorMessageId : '',
      }),
    );
  });

  it('refuses a malformed SmsReport naming the element and field', () => {
    expect(() =>
      parseAliyunSmsReports([{ phone_number: '13900000000', success: true }, { phone_number: 13900000001 }]),
    ).toThrow('SmsReport[1].phone_number must be a string');
  });

  it('writes no phone number to any log line, whatever the outcome', async () => {
    const batch = messages(6);
    fake.blacklisted.add(batch[1].phone);
    fake.rateLimited.add(batch[2].phone);
    const out = await captureOutput(async () => {
      await channel().submit(TEMPLATE, batch);
      await channel('wrong').submit(TEMPLATE, batch);
      fake.hangNextSend({ accept: false });
      await channel(SECRET, 200).submit(TEMPLATE, batch);
      await channel().reconcile(
        batch.map((m) => ({ sendId: m.sendId, phone: m.phone, submittedAt: new Date() })),
      );
    });
    expect(out.length).toBeGreaterThan(0);
    for (const m of batch) expect(out).not.toContain(m.phone.slice(3));
    expect(out).not.toContain(SECRET);
  });
});
