import { createHmac } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { AuthKeys } from '@siyu/auth';
import type { MessageTransport } from '@siyu/messaging';
import { adminQuery, bearer, waitFor } from '@siyu/testing';

/** Where each service's HTTP API lives (one server in standalone, five over Kafka). */
export interface SkeletonHarness {
  adminUrl: string;
  authKeys: AuthKeys;
  secrets: Record<string, string>;
  http: { orders: App; consent: App; audience: App; outreach: App };
}

/** A Tmall-style export: buyer A will consent, buyer B never does. Masked and unmasked receivers. */
export const FIXTURE = {
  buyerA: {
    id: 'tb_alice_2024',
    name: '王小明',
    phone: '13912345678',
    address: '浙江省杭州市西湖区文三路100号',
    order: '3012345678901234567',
    amount: '199.00',
  },
  buyerB: {
    id: 'tb_bob_1999',
    name: '李*',
    phone: '138****1111',
    address: '上海市浦东新区**路**号',
    order: '3012345678901234999',
    amount: '88.50',
  },
  buyerC: {
    id: 'tb_carol_77',
    name: '陈*红',
    phone: '13700007777',
    address: '广东省深圳市南山区科技园1栋',
    order: '3012345678901235000',
    amount: '42.00',
  },
};

export function tmallCsv(): string {
  const header =
    '订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,总金额,买家实际支付金额,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,商家编码';
  const row = (b: (typeof FIXTURE)['buyerA']) =>
    [
      b.order,
      b.id,
      'alipay@example.com',
      b.amount,
      '0.00',
      b.amount,
      b.amount,
      '卖家已发货，等待买家确认',
      '',
      b.name,
      b.address,
      '快递',
      '',
      b.phone,
      '2026-11-01 10:00:00',
      '2026-11-01 10:01:00',
      '保湿面霜50ml',
      '1',
      'SF1234567890',
      '顺丰速运',
      '',
      '1',
      'SKU-CREAM-50',
    ].join(',');
  return [header, row(FIXTURE.buyerA), row(FIXTURE.buyerB), row(FIXTURE.buyerC)].join('\n') + '\n';
}

/** Every string in the fixture that must never leave the orders vault (R1, R16). */
export function forbiddenInEvents(): string[] {
  return Object.values(FIXTURE).flatMap((b) => [
    b.id,
    b.name,
    b.phone,
    b.address,
    b.order,
    b.phone.slice(-4) === '1111' ? b.phone : b.phone.slice(0, 3) + '****' + b.phone.slice(-4),
  ]);
}

/** Records every message on every topic the system uses, for the PII scan. */
export async function spyOnEvents(transport: MessageTransport, topics: string[]): Promise<string[]> {
  const seen: string[] = [];
  await transport.subscribe('pii-scan-spy', topics, async (m) => {
    seen.push(m.value);
  });
  return seen;
}

const sandboxCode = async (adminUrl: string) => {
  const [row] = await adminQuery<{ body: string }>(
    adminUrl,
    'SELECT body FROM consent.sandbox_sms ORDER BY id DESC LIMIT 1',
  );
  return /验证码(\d{6})/.exec(row.body)![1];
};

/** Order refs by amount, read from the `orders.ingested.v1` events (they carry no platform ids). */
export async function amountToOrderRef(events: string[], count: number): Promise<Map<number, string>> {
  const ingested = () => events.map((e) => JSON.parse(e)).filter((e) => e.type === 'orders.ingested.v1');
  await waitFor(async () => ingested().length >= count, 'orders.ingested.v1 events');
  return new Map(ingested().map((e) => [e.amountCents, e.orderRef]));
}

/** Every customer form carries a CSRF nonce issued with the page; a POST must send it back. */
export function formNonce(html: string): string {
  return /name="nonce" value="([^"]+)"/.exec(html)![1];
}

/** The agree form's hidden fields: the locale and notice hash the page showed (R5), as a browser sends them. */
export function shownNoticeFields(html: string): string {
  const lang = /name="lang" value="([^"]+)"/.exec(html)![1];
  const notice = /name="notice" value="([0-9a-f]{64})"/.exec(html)![1];
  return `&lang=${encodeURIComponent(lang)}&notice=${notice}`;
}

/** Door 2 end to end for one buyer; returns nothing, asserts as it goes. */
export async function consentThroughQr(h: SkeletonHarness, orderRef: string, phone: string): Promise<void> {
  const ops = await bearer(h.authKeys, 'ops');
  const invitation = await request(h.http.orders)
    .post(`/api/v1/orders/${orderRef}/invitations`)
    .set('Authorization', ops)
    .expect(201);
  const token: string = invitation.body.token;
  expect(invitation.body.url).toContain(`/q/${token}`);

  const landing = await request(h.http.consent).get(`/q/${token}`).expect(200);
  expect(landing.text).toContain('个人信息处理告知');
  const agreePage = await request(h.http.consent)
    .post(`/q/${token}/code`)
    .type('form')
    .send({ phone, nonce: formNonce(landing.text) })
    .expect(200);
  // R6: nothing is pre-ticked.
  expect(agreePage.text).toContain('type="checkbox"');
  expect(agreePage.text).not.toMatch(/checked/i);
  const freshCode = await sandboxCode(h.adminUrl);

  const done = await request(h.http.consent)
    .post(`/q/${token}/agree`)
    .type('form')
    .send(
      `phone=${phone}&code=${freshCode}&purposes=marketing_messages&purposes=purchase_history&channels=sms&agree=yes&nonce=${encodeURIComponent(formNonce(agreePage.text))}${shownNoticeFields(agreePage.text)}`,
    )
    .expect(200);
  expect(done.text).toContain('已加入');
}

export function signSmsWebhook(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** The walking skeleton, steps 1–6. */
export async function walkingSkeleton(h: SkeletonHarness, events: string[]): Promise<void> {
  const ops = await bearer(h.authKeys, 'ops');
  const marketer = await bearer(h.authKeys, 'marketer');

  // 1. Ops imports a Tmall export with masked receivers.
  const imported = await request(h.http.orders)
    .post('/api/v1/orders/imports?platform=tmall&shop=shop-1')
    .set('Authorization', ops)
    .set('Content-Type', 'text/csv')
    .send(tmallCsv())
    .expect(201);
  expect(imported.body.accepted).toBe(3);
  // R8: the shop's Tmall agreement allows purchase-history use (the default allows none).
  await request(h.http.orders)
    .put('/api/v1/shops/tmall/shop-1/agreement')
    .set('Authorization', ops)
    .send({ allowedPurposes: ['purchase_history'], agreementRef: 'tmall-demo-agreement' })
    .expect(200);
  const refs = await amountToOrderRef(events, 3);
  const orderA = refs.get(19900)!;
  expect(orderA).toBeDefined();

  // 2. Buyer A scans the parcel card and agrees; a refusal without the agree box changes nothing.
  const refusalToken = (
    await request(h.http.orders)
      .post(`/api/v1/orders/${orderA}/invitations`)
      .set('Authorization', ops)
      .expect(201)
  ).body.token;
  const refusalLanding = await request(h.http.consent).get(`/q/${refusalToken}`).expect(200);
  const refusalAgreePage = await request(h.http.consent)
    .post(`/q/${refusalToken}/code`)
    .type('form')
    .send({ phone: FIXTURE.buyerA.phone, nonce: formNonce(refusalLanding.text) })
    .expect(200);
  const refused = await request(h.http.consent)
    .post(`/q/${refusalToken}/agree`)
    .type('form')
    .send(
      `phone=${FIXTURE.buyerA.phone}&code=${await sandboxCode(h.adminUrl)}&purposes=marketing_messages&channels=sms&nonce=${encodeURIComponent(formNonce(refusalAgreePage.text))}${shownNoticeFields(refusalAgreePage.text)}`,
    )
    .expect(400);
  expect(refused.text).toContain('未勾选同意');
  expect(await adminQuery(h.adminUrl, 'SELECT 1 FROM consent.ledger')).toHaveLength(0);

  await consentThroughQr(h, orderA, FIXTURE.buyerA.phone);
  const ledger = await adminQuery<{ action: string; door: string }>(
    h.adminUrl,
    'SELECT action, door FROM consent.ledger',
  );
  expect(ledger).toEqual([{ action: 'granted', door: 'parcel_qr' }]);

  // Invariant 2: A's consent covers purchase history, so A's order facts (only A's) are released.
  const factAmounts = async () =>
    (
      await adminQuery<{ amount_cents: string }>(
        h.adminUrl,
        'SELECT amount_cents FROM audience.released_facts ORDER BY amount_cents',
      )
    ).map((r) => Number(r.amount_cents));
  await waitFor(async () => (await factAmounts()).length === 1, 'A facts released');
  expect(await factAmounts()).toEqual([19900]);

  // 3. Audience creates the member; the SMS segment counts 1.
  const segment = await request(h.http.audience)
    .post('/api/v1/audience/segments')
    .set('Authorization', marketer)
    .send({ name: 'members with SMS consent', purpose: 'marketing_messages', channel: 'sms' })
    .expect(201);
  const segmentCount = async (): Promise<number> =>
    (
      await request(h.http.audience)
        .get(`/api/v1/audience/segments/${segment.body.id}`)
        .set('Authorization', marketer)
    ).body.count;
  const materialize = () =>
    request(h.http.audience)
      .post(`/api/v1/audience/segments/${segment.body.id}/materialize`)
      .set('Authorization', marketer)
      .expect(201);
  await waitFor(async () => (await segmentCount()) === 1, 'segment count 1');
  await materialize();
  await waitFor(
    async () =>
      (await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.segment_versions WHERE parts_received >= parts'))
        .length === 1,
    'segment in outreach',
  );

  // 4. Outreach sends a campaign from a declared sandbox template: signature, 回T退订 and a signed unsubscribe link.
  const template = await request(h.http.outreach)
    .post('/api/v1/outreach/templates')
    .set('Authorization', marketer)
    .send({
      vendor: 'sandbox',
      signName: '示例品牌',
      templateCode: 'SMS_WINTER',
      name: 'Winter cream',
      content: '广告 冬季保湿面霜会员价${discount} 退订:${unsubscribe_link} 回T退订',
      kind: 'marketing',
    })
    .expect(201);
  const campaign = await request(h.http.outreach)
    .post('/api/v1/outreach/campaigns')
    .set('Authorization', marketer)
    .send({
      name: 'Winter cream',
      segmentId: segment.body.id,
      purpose: 'marketing_messages',
      channel: 'sms',
      templateId: template.body.id,
      variants: [{ name: 'A', variables: { discount: '8折' } }],
      schedule: { kind: 'now' },
      quietHours: { start: '00:00', end: '24:00' },
    })
    .expect(201);
  const runCampaign = async () => {
    const started = await request(h.http.outreach)
      .post(`/api/v1/outreach/campaigns/${campaign.body.id}/runs`)
      .set('Authorization', marketer)
      .expect(202);
    return waitFor(async () => {
      const run = await request(h.http.outreach)
        .get(`/api/v1/outreach/runs/${started.body.id}`)
        .set('Authorization', marketer);
      return run.body.state === 'done' ? run.body.results : null;
    }, 'campaign run done');
  };
  const run1 = await runCampaign();
  expect(run1).toMatchObject({ targeted: 1, submitted: 1, blocked: {} });
  const [sms] = await adminQuery<{ to_masked: string; body: string }>(
    h.adminUrl,
    'SELECT to_masked, body FROM outreach.sandbox_sms',
  );
  expect(sms.to_masked).toBe('139****5678');
  expect(sms.body).toMatch(/^【示例品牌】广告 冬季保湿面霜会员价8折 /);
  expect(sms.body).toContain('回T退订');
  // The SMS carries a short link (ADR 0008): outreach redirects it to consent's signed page.
  const shortPath = /\/t\/[0-9A-Za-z]{17}(?![0-9A-Za-z])/.exec(sms.body)![0];
  const redirected = await request(h.http.outreach).get(shortPath).redirects(0).expect(302);
  const unsubscribePath = new URL(redirected.headers.location).pathname;
  expect(unsubscribePath).toMatch(/^\/u\/[A-Za-z0-9_.-]+$/);

  // 5. The customer opens the link: GET only confirms, POST withdraws; the next run sends 0.
  const confirm = await request(h.http.consent).get(unsubscribePath).expect(200);
  expect(confirm.text).toContain('确认退订');
  expect(
    await adminQuery(h.adminUrl, "SELECT 1 FROM consent.ledger WHERE action = 'withdrawn'"),
  ).toHaveLength(0);
  const unsubscribed = await request(h.http.consent)
    .post(unsubscribePath)
    .type('form')
    .send({ nonce: formNonce(confirm.text) })
    .expect(200);
  expect(unsubscribed.text).toContain('已退订');
  expect(
    await adminQuery(h.adminUrl, "SELECT 1 FROM consent.ledger WHERE action = 'withdrawn'"),
  ).toHaveLength(1);

  // The segment still holds A (version 1), and the campaign reached A once already: nobody is targeted;
  // the gate would refuse A anyway (the withdrawal also pruned A from outreach's segment copy, R10).
  const run2 = await runCampaign();
  expect(run2).toMatchObject({ targeted: 0, submitted: 0 });
  expect(
    await adminQuery(h.adminUrl, "SELECT 1 FROM outreach.suppressions WHERE source = 'unsubscribe_link'"),
  ).toHaveLength(1);
  expect(await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.sandbox_sms')).toHaveLength(1);
  // The segment no longer counts A (A still holds purchase_history, so stays a member).
  await waitFor(async () => (await segmentCount()) === 0, 'segment count 0 after withdrawal');

  // 6. Buyer B, imported without consent, exists nowhere in marketing.
  expect(await adminQuery(h.adminUrl, 'SELECT 1 FROM audience.member_consents')).toHaveLength(2); // A: 2 purposes × sms
  const subjects = await adminQuery<{ subject_ref: string }>(
    h.adminUrl,
    'SELECT DISTINCT subject_ref FROM audience.member_consents UNION SELECT DISTINCT subject_ref FROM outreach.consent_projection',
  );
  expect(subjects).toHaveLength(1);

  // Buyer C withdraws by replying "ＴＤ" to an SMS: the next run suppresses them too.
  await consentThroughQr(h, refs.get(4200)!, FIXTURE.buyerC.phone);
  await waitFor(async () => (await factAmounts()).length === 2, 'C facts released');
  await waitFor(async () => (await segmentCount()) === 1, 'C counted');
  await materialize();
  await waitFor(
    async () =>
      (
        await adminQuery(
          h.adminUrl,
          'SELECT 1 FROM outreach.segment_versions WHERE version = 2 AND parts_received >= parts',
        )
      ).length === 1,
    'segment v2',
  );
  const run3 = await runCampaign();
  expect(run3).toMatchObject({ targeted: 1, submitted: 1, blocked: {} });
  const reply = JSON.stringify({ from: FIXTURE.buyerC.phone, text: ' ＴＤ。' });
  await request(h.http.consent)
    .post('/webhooks/sms/sandbox')
    .set('Content-Type', 'application/json')
    .set('X-Siyu-Signature', signSmsWebhook(h.secrets.SMS_WEBHOOK_SECRET, reply))
    .send(reply)
    .expect(200);
  await waitFor(
    async () =>
      (await adminQuery(h.adminUrl, "SELECT 1 FROM outreach.suppressions WHERE source = 'sms_reply'"))
        .length === 1,
    'sms reply applied',
  );
  // C was reached by run 3 already; a new segment version without C's consent targets nobody.
  const run4 = await runCampaign();
  expect(run4).toMatchObject({ targeted: 0, submitted: 0 });
  expect(await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.sandbox_sms')).toHaveLength(2);
  // R10: "TD" withdrew every purpose on SMS: C's released facts, member row and contact point go.
  await waitFor(
    async () => JSON.stringify(await factAmounts()) === JSON.stringify([19900]),
    'C facts revoked, A facts kept',
  );
  await waitFor(
    async () => (await adminQuery(h.adminUrl, 'SELECT 1 FROM audience.members')).length === 1,
    'C removed, A kept',
  );
  expect(await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.contact_points')).toHaveLength(1);

  // Every event produced in the flow is free of the fixture's PII.
  await waitFor(async () => events.length >= 8, 'events captured');
  const forbidden = forbiddenInEvents();
  for (const value of events) {
    for (const pii of forbidden) expect(value).not.toContain(pii);
    expect(value).not.toMatch(/(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/);
  }
}
