import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { readAudit } from '@siyu/audit';
import { TOPICS } from '@siyu/contracts';
import { adminQuery, FakeTencentSmsServer, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

const SECRET_ID = 'AKIDfakeTencentSecretId0002';
const SECRET_KEY = 'fake-tencent-secret-key-0002';
const APP_ID = '1400000002';
const TEMPLATE_ID = '2100001';
const phone = (i: number) => `136${String(30_000_000 + i).slice(-8)}`;

describe('Tencent Cloud SMS wired into outreach: campaigns through the official SDK, status callbacks applied (issue 17 §3, §5)', () => {
  const h = new OutreachHarness();
  let fake: FakeTencentSmsServer;
  const optOuts: string[] = [];

  beforeAll(async () => {
    fake = await FakeTencentSmsServer.start({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      sdkAppId: APP_ID,
      templates: [
        {
          templateId: Number(TEMPLATE_ID),
          name: 'winter',
          content: '广告 冬季会员价，券码{1} 退订{2} 拒收请回复R',
        },
      ],
    });
    Object.assign(h.secrets as Record<string, string>, {
      TENCENT_SMS_SECRET_ID: SECRET_ID,
      TENCENT_SMS_SECRET_KEY: SECRET_KEY,
      TENCENT_SMS_SDK_APP_ID: APP_ID,
      TENCENT_SMS_ENDPOINT: `http://${fake.endpoint}`,
      TENCENT_SMS_RECEIPT_TOKEN: 'tencent-receipt-token-for-tests',
    });
    await h.start();
    await h.transport.subscribe('opt-out-spy', [TOPICS.smsOptOutReceived], async (m) => {
      optOuts.push(m.value);
    });
    h.startHeartbeat();
  });

  afterAll(async () => {
    await h.stop();
    await fake.close();
  });

  async function campaignTo(refs: string[]): Promise<string> {
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    const template = await h.declareTemplate('tencent', TEMPLATE_ID);
    return h.startRun(await h.createCampaign(segment, template));
  }

  const sendsOf = async (runId: string) =>
    (
      await request(h.http)
        .get(`/api/v1/outreach/runs/${runId}/sends`)
        .set('Authorization', await h.marketer())
        .expect(200)
    ).body as { sendId: string; subjectRef: string; state: string }[];

  it('sends a campaign whose template is Tencent’s through SendSms, signed as the fake verifies, our send id as SessionContext', async () => {
    const refs = [randomUUID(), randomUUID()];
    await h.grant(refs[0], phone(1));
    await h.grant(refs[1], phone(2));
    const runId = await campaignTo(refs);
    const run = await h.waitForRun(runId, 'done');
    expect(run.results).toMatchObject({ targeted: 2, submitted: 2 });
    expect(fake.signatureRefusals).toBe(0);
    const mine = fake.messages.filter((m) => [phone(1), phone(2)].some((p) => m.phoneNumber === `+86${p}`));
    expect(mine).toHaveLength(2);
    expect(mine[0].content).toMatch(/^【示例品牌】广告 冬季会员价，券码WINTER8 退订http/);
    const sends = await sendsOf(runId);
    // Each recipient's unsubscribe link differs, so each is its own call (one TemplateParamSet per call).
    expect(mine.map((m) => m.sessionContext).sort()).toEqual(sends.map((s) => s.sendId).sort());
    const stored = await adminQuery<{ vendor: string; vendor_message_id: string }>(
      h.adminUrl,
      'SELECT vendor, vendor_message_id FROM outreach.sends WHERE run_id = $1',
      [runId],
    );
    expect(stored.map((s) => s.vendor)).toEqual(['tencent', 'tencent']);
    expect(stored.map((s) => s.vendor_message_id).sort()).toEqual(mine.map((m) => m.serialNo).sort());
  });

  it('applies Tencent status callbacks to their sends (delivered, failed by code) and a blacklist receipt suppresses the number', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await h.grant(a, phone(10));
    await h.grant(b, phone(11));
    const runId = await campaignTo([a, b]);
    await h.waitForRun(runId, 'done');
    fake.report(phone(10), { delivered: true });
    fake.report(phone(11), { delivered: false, code: 'MBBLACK' });
    const body = fake.statusCallbacks().filter((c) => c.mobile === phone(10) || c.mobile === phone(11));
    expect(body).toHaveLength(2);

    await request(h.http).post('/webhooks/sms-receipts/tencent?token=wrong').send(body).expect(401);
    await request(h.http).post('/webhooks/sms-receipts/tencent').send(body).expect(401);
    await request(h.http)
      .post('/webhooks/sms-receipts/tencent?token=tencent-receipt-token-for-tests')
      .send([{ ...body[0], report_status: 'MAYBE' }])
      .expect(400)
      .expect((r) => expect(r.body.message).toContain('callback[0].report_status'));
    await request(h.http)
      .post('/webhooks/sms-receipts/tencent?token=tencent-receipt-token-for-tests')
      .send(body)
      .expect(200, { result: 0, errmsg: 'OK' });

    const run = await h.run(runId);
    expect(run.results).toMatchObject({ submitted: 2, delivered: 1, failed: { MBBLACK: 1 } });
    expect(
      await adminQuery(h.adminUrl, 'SELECT source FROM outreach.suppressions WHERE subject_ref = $1', [b]),
    ).toEqual([{ source: 'vendor_blacklist' }]);
    // R9: consent is told (and withdraws the SMS channel there) by subject and send, never by number.
    const toldAbout = () => optOuts.map((v) => JSON.parse(v)).filter((e) => e.subjectRef === b);
    const told = (await waitFor(async () => (toldAbout().length > 0 ? toldAbout() : null), 'opt-out event'))!;
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      subjectRef: b,
      kind: 'vendor_blacklist',
      vendor: 'tencent',
      vendorCode: 'MBBLACK',
    });
    expect(JSON.stringify(told[0])).not.toContain(phone(11).slice(-8));
    // R16: matching a receipt to its send opened the contact point, audited with actor and purpose.
    const audit = await readAudit(h.ds.manager, b);
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['decrypt_contact_for_dispatch', `campaign-run:${runId}`],
      ['decrypt_contact_for_receipt', 'vendor-receipt:tencent'],
    ]);
    // The same push again (Tencent retries until answered) changes nothing.
    await request(h.http)
      .post('/webhooks/sms-receipts/tencent?token=tencent-receipt-token-for-tests')
      .send(body)
      .expect(200);
    expect((await h.run(runId)).results).toMatchObject({ delivered: 1, failed: { MBBLACK: 1 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(toldAbout()).toHaveLength(1);
  });
});
