import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { readAudit, verifyAuditTrail } from '@siyu/audit';
import { siyuMetrics } from '@siyu/observability';
import { adminQuery, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';
import { RecordingSmsChannel, RecordingSmsVendor } from '../../test/recording-sms-vendor';

const phone = (i: number) => `139${String(10_000_000 + i).slice(-8)}`;

describe('campaign runs: background jobs through the batched send gate (issue 17 §2, §4)', () => {
  const h = new OutreachHarness();
  const vendor = new RecordingSmsVendor();

  beforeAll(async () => {
    const url = await vendor.start();
    (h.secrets as Record<string, string>).ALIYUN_SMS_RECEIPT_TOKEN = 'receipt-token-for-tests';
    await h.start({
      smsChannels: () => [new RecordingSmsChannel(url)],
      frequencyCaps: { sms: { max: 2, days: 30 } },
    });
    h.startHeartbeat();
  });

  afterAll(async () => {
    await h.stop();
    await vendor.stop();
  });

  async function members(n: number, offset: number): Promise<string[]> {
    const refs = Array.from({ length: n }, () => randomUUID());
    for (let i = 0; i < n; i++) await h.grant(refs[i], phone(offset + i));
    return refs;
  }

  const sandboxBodies = async () =>
    await adminQuery<{ body: string; to_masked: string }>(
      h.adminUrl,
      'SELECT body, to_masked FROM outreach.sandbox_sms ORDER BY id',
    );

  it('answers 202 at once, sends only to members whose consent is active, and stores each refusal with its reason', async () => {
    const [a] = await members(1, 1);
    const [b] = await members(1, 2);
    await h.withdraw(b);
    const stranger = randomUUID();
    const segment = randomUUID();
    await h.materialize(segment, 1, [a, b, stranger]);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    const runId = await h.startRun(campaign);
    const run = await h.waitForRun(runId, 'done');
    expect(run.results).toMatchObject({
      targeted: 3,
      blocked: { consent_withdrawn: 1, no_consent: 1 },
      submitted: 1,
      pending: 0,
    });
    const [sms] = (await sandboxBodies()).slice(-1);
    // Parts billed are the parts the campaign showed before sending, counted as the carrier counts.
    const shown = await request(h.http)
      .get(`/api/v1/outreach/campaigns/${campaign}`)
      .set('Authorization', await h.marketer())
      .expect(200);
    expect(shown.body.estimate.characters).toBe([...sms.body].length);
    expect(shown.body.estimate.parts).toBe(Math.ceil([...sms.body].length / 67));
    expect(run.results.partsBilled).toBe(shown.body.estimate.parts);
    expect(sms.to_masked).toBe('139****0001');
    expect(sms.body).toMatch(
      /^【示例品牌】广告 冬季会员价，券码WINTER8 退订http:\/\/127\.0\.0\.1:3002\/t\/[0-9A-Za-z]{17} 回T退订$/,
    );
    const sends = await request(h.http)
      .get(`/api/v1/outreach/runs/${runId}/sends`)
      .set('Authorization', await h.marketer())
      .expect(200);
    expect(
      sends.body
        .map((s: { subjectRef: string; state: string; reason: string | null }) => [
          s.subjectRef,
          s.state,
          s.reason,
        ])
        .sort(),
    ).toEqual(
      [
        [a, 'submitted', null],
        [b, 'blocked', 'consent_withdrawn'],
        [stranger, 'blocked', 'no_consent'],
      ].sort(),
    );
    expect(JSON.stringify(sends.body)).not.toMatch(/1[3-9]\d{9}/);
  });

  it('counts sends by channel and outcome and gate refusals by reason in the metrics registry', async () => {
    const count = async (
      metric: typeof siyuMetrics.sends | typeof siyuMetrics.gateRefusals,
      labels: object,
    ) =>
      (await metric.get()).values
        .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k as keyof typeof v.labels] === l))
        .reduce((n, v) => n + v.value, 0);
    const before = {
      submitted: await count(siyuMetrics.sends, { channel: 'sms', outcome: 'submitted' }),
      withdrawn: await count(siyuMetrics.gateRefusals, { reason: 'consent_withdrawn' }),
      noConsent: await count(siyuMetrics.gateRefusals, { reason: 'no_consent' }),
    };
    const [a, b] = await members(2, 5);
    await h.withdraw(b);
    const segment = randomUUID();
    await h.materialize(segment, 1, [a, b, randomUUID()]);
    await h.waitForRun(await h.startRun(await h.createCampaign(segment, await h.declareTemplate())), 'done');
    expect(await count(siyuMetrics.sends, { channel: 'sms', outcome: 'submitted' })).toBe(
      before.submitted + 1,
    );
    expect(await count(siyuMetrics.gateRefusals, { reason: 'consent_withdrawn' })).toBe(before.withdrawn + 1);
    expect(await count(siyuMetrics.gateRefusals, { reason: 'no_consent' })).toBe(before.noConsent + 1);
  });

  it('audits every contact-point decrypt for a dispatch with actor and purpose, in an intact chain (R16)', async () => {
    const refs = await members(3, 10);
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    const runId = await h.startRun(await h.createCampaign(segment, await h.declareTemplate()));
    await h.waitForRun(runId, 'done');
    for (const ref of refs) {
      // One decrypt per admission: on a loaded machine a chunk that missed its dispatch deadline goes
      // back through the gate and is decrypted (and audited) again, still sent once (as 100e6e6).
      const audit = await readAudit(h.ds.manager, ref);
      expect(audit.length).toBeGreaterThanOrEqual(1);
      for (const e of audit)
        expect([e.actor, e.action, e.purpose, e.fields]).toEqual([
          `campaign-run:${runId}`,
          'decrypt_contact_for_dispatch',
          'marketing_messages',
          ['phone'],
        ]);
    }
    expect((await h.run(runId)).results).toMatchObject({ targeted: 3, submitted: 3 });
    expect((await verifyAuditTrail(h.ds.manager)).intact).toBe(true);
  });

  it('reaches a member at most once per campaign: a second run of a one-off campaign sends to nobody again', async () => {
    const refs = await members(2, 20);
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    await h.waitForRun(await h.startRun(campaign), 'done');
    const before = (await sandboxBodies()).length;
    const again = await h.waitForRun(await h.startRun(campaign), 'done');
    expect(again.results.targeted).toBe(0);
    expect((await sandboxBodies()).length).toBe(before);
  });

  it('refuses variants that differ in the offer (R13) and variables that look like personal information', async () => {
    const templateId = await h.declareTemplate();
    const offer = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        name: 'ab',
        segmentId: randomUUID(),
        purpose: 'marketing_messages',
        channel: 'sms',
        templateId,
        variants: [
          { name: 'A', variables: { offer_code: 'VIP20' } },
          { name: 'B', variables: { offer_code: 'VIP10' } },
        ],
        schedule: { kind: 'now' },
      })
      .expect(422);
    expect(offer.body.code).toBe('CAMPAIGN_OFFER_DIFFERS');
    expect(offer.body.message).toContain('"offer_code" (VIP20 / VIP10)');
    const pii = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        name: 'pii',
        segmentId: randomUUID(),
        purpose: 'marketing_messages',
        channel: 'sms',
        templateId,
        variants: [{ name: 'A', variables: { offer_code: '13912345678' } }],
        schedule: { kind: 'now' },
      })
      .expect(422);
    expect(pii.body).toMatchObject({
      code: 'CAMPAIGN_VARIABLES_INVALID',
      message: 'variants[0].variables.offer_code looks like personal information (R16)',
    });
  });

  it('pauses the run instead of guessing when the consent projection is stale, and resumes it by itself once it is current again', async () => {
    const refs = await members(2, 30);
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    await h.stopHeartbeat();
    // Consent's heartbeats stop reaching outreach: past the 1 s bound, nobody may be sent to.
    let runId: string;
    try {
      await new Promise((r) => setTimeout(r, 1200));
      runId = await h.startRun(campaign);
      const paused = await h.waitForRun(runId, 'paused');
      expect(paused.pausedReason).toBe('stale_projection');
      expect(paused.results).toMatchObject({ submitted: 0, pending: 2 });
    } finally {
      h.startHeartbeat();
    }
    // Issue 14: the system paused it, so the system resumes it once the reason cleared — no person needed.
    const done = await h.waitForRun(runId, 'done');
    expect(done.results).toMatchObject({ targeted: 2, submitted: 2 });
  });

  it('never resumes by itself a run a marketer paused, even when the system had paused it first', async () => {
    const refs = await members(2, 90);
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    await h.stopHeartbeat();
    let runId: string;
    try {
      await new Promise((r) => setTimeout(r, 1200));
      runId = await h.startRun(campaign);
      expect((await h.waitForRun(runId, 'paused')).pausedReason).toBe('stale_projection');
      // The marketer pauses the system-paused campaign: from now on it is theirs to resume.
      await request(h.http)
        .post(`/api/v1/outreach/campaigns/${campaign}/pause`)
        .set('Authorization', await h.marketer())
        .expect(200);
    } finally {
      h.startHeartbeat();
    }
    // The projection is current again (the reason the system paused for has cleared) …
    await waitFor(async () => (await h.run(runId)).pausedReason === 'paused_by_marketer', 'marketer pause');
    await new Promise((r) => setTimeout(r, 2000));
    const held = await h.run(runId);
    expect(held).toMatchObject({ state: 'paused', pausedReason: 'paused_by_marketer' });
    expect(held.results).toMatchObject({ submitted: 0, pending: 2 });
    // … and only the marketer's resume sends.
    await request(h.http)
      .post(`/api/v1/outreach/campaigns/${campaign}/resume`)
      .set('Authorization', await h.marketer())
      .expect(200);
    expect((await h.waitForRun(runId, 'done')).results).toMatchObject({ targeted: 2, submitted: 2 });
  });

  it('stops dispatch within a second of a pause, and a resume sends every remaining member exactly once', async () => {
    const refs = await members(400, 1000);
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    vendor.answerDelayMs = 150;
    try {
      const campaign = await h.createCampaign(segment, await h.declareTemplate('aliyun'));
      const runId = await h.startRun(campaign);
      const ours = new Set(refs.map((_, i) => phone(1000 + i)));
      await waitFor(async () => vendor.received.some((m) => ours.has(m.phone)), 'first batch');
      await request(h.http)
        .post(`/api/v1/outreach/campaigns/${campaign}/pause`)
        .set('Authorization', await h.marketer())
        .expect(200);
      // The pause is in effect once the API answered (it commits before answering). Measured from
      // the answer, not from sending the request: on a loaded machine the request itself took 1.5 s,
      // and a chunk the gate admitted before the pause committed may still leave within its deadline.
      const pausedAt = Date.now();
      await new Promise((r) => setTimeout(r, 1500));
      const late = vendor.received.filter((m) => ours.has(m.phone) && m.at > pausedAt + 1000);
      expect(late).toEqual([]);
      // And the gate admitted nothing of this run once the pause was in effect.
      expect(
        await adminQuery(
          h.adminUrl,
          'SELECT send_id FROM outreach.sends WHERE run_id = $1 AND dispatched_at > $2',
          [runId, new Date(pausedAt).toISOString()],
        ),
      ).toEqual([]);
      const run = await h.run(runId);
      expect(run.state).toBe('paused');
      expect(run.results.pending).toBeGreaterThan(0);
      await request(h.http)
        .post(`/api/v1/outreach/campaigns/${campaign}/resume`)
        .set('Authorization', await h.marketer())
        .expect(200);
      const done = await h.waitForRun(runId, 'done');
      expect(done.results).toMatchObject({ targeted: 400, submitted: 400 });
      const ids = new Set(
        (
          await adminQuery<{ send_id: string }>(
            h.adminUrl,
            'SELECT send_id FROM outreach.sends WHERE run_id = $1',
            [runId],
          )
        ).map((r) => r.send_id),
      );
      const counts = [...vendor.countBySendId()].filter(([id]) => ids.has(id));
      expect(counts).toHaveLength(400);
      expect(counts.every(([, n]) => n === 1)).toBe(true);
    } finally {
      vendor.answerDelayMs = 0;
    }
  });

  it('holds members to the frequency cap per channel and tells the marketer so', async () => {
    const [a] = await members(1, 40);
    const template = await h.declareTemplate();
    for (let i = 0; i < 2; i++) {
      const segment = randomUUID();
      await h.materialize(segment, 1, [a]);
      await h.waitForRun(await h.startRun(await h.createCampaign(segment, template)), 'done');
    }
    const segment = randomUUID();
    await h.materialize(segment, 1, [a]);
    const third = await h.waitForRun(await h.startRun(await h.createCampaign(segment, template)), 'done');
    expect(third.results).toMatchObject({ submitted: 0, blocked: { frequency_cap: 1 } });
  });

  it('defers, never drops, a message that falls in the recipient’s quiet hours', async () => {
    // Both members live in UTC (their consent said so), where it is now outside the window.
    const [a, b] = [randomUUID(), randomUUID()];
    await h.grantOn(a, 'sms', phone(50), 'UTC');
    await h.grantOn(b, 'sms', phone(51), 'UTC');
    const utcHour = new Date().getUTCHours();
    const start = `${String((utcHour + 2) % 24).padStart(2, '0')}:00`;
    const end = `${String((utcHour + 3) % 24).padStart(2, '0')}:00`;
    if (start > end) return; // the window wraps midnight UTC this hour; the other hours cover the rule
    const segment = randomUUID();
    await h.materialize(segment, 1, [a, b]);
    const campaign = await h.createCampaign(segment, await h.declareTemplate(), {
      quietHours: { start, end },
    });
    const runId = await h.startRun(campaign);
    await waitFor(async () => (await h.run(runId)).results.deferredByQuietHours === 2, 'deferred');
    const run = await h.run(runId);
    expect(run).toMatchObject({
      state: 'sending',
      results: { submitted: 0, pending: 2, deferredByQuietHours: 2 },
    });
    const sends = await adminQuery<{ not_before: Date }>(
      h.adminUrl,
      'SELECT not_before FROM outreach.sends WHERE run_id = $1',
      [runId],
    );
    for (const s of sends) {
      expect(new Date(s.not_before).getUTCHours()).toBe((utcHour + 2) % 24);
      expect(new Date(s.not_before).getUTCMinutes()).toBe(0);
    }
    await request(h.http)
      .post(`/api/v1/outreach/campaigns/${campaign}/cancel`)
      .set('Authorization', await h.marketer())
      .expect(200);
    expect((await h.run(runId)).results).toMatchObject({ cancelled: 2, pending: 0 });
  });

  it('keeps each member’s time zone from their consent for quiet hours; an unknown or missing zone means the brand’s (Asia/Shanghai)', async () => {
    const [ny, bogus, none] = [randomUUID(), randomUUID(), randomUUID()];
    await h.grantOn(ny, 'sms', phone(55), 'America/New_York');
    await h.grantOn(bogus, 'sms', phone(56), 'Mars/Olympus_Mons');
    await h.grantOn(none, 'sms', phone(57));
    const zones = await adminQuery<{ subject_ref: string; time_zone: string }>(
      h.adminUrl,
      'SELECT subject_ref, time_zone FROM outreach.recipient_time_zones WHERE subject_ref = ANY ($1::uuid[])',
      [[ny, bogus, none]],
    );
    expect(zones).toEqual([{ subject_ref: ny, time_zone: 'America/New_York' }]);
    // A window open now in Shanghai and closed now in New York (13 hours apart, never both open).
    const shanghaiHour = (new Date().getUTCHours() + 8) % 24;
    const start = `${String(shanghaiHour).padStart(2, '0')}:00`;
    const end = `${String(shanghaiHour + 1).padStart(2, '0')}:00`;
    if (shanghaiHour === 23) return; // the window would wrap midnight; the other hours cover the rule
    const segment = randomUUID();
    await h.materialize(segment, 1, [ny, bogus, none]);
    const runId = await h.startRun(
      await h.createCampaign(segment, await h.declareTemplate(), { quietHours: { start, end } }),
    );
    await waitFor(async () => (await h.run(runId)).results.submitted === 2, 'Shanghai-zone members sent');
    expect((await h.run(runId)).results).toMatchObject({ submitted: 2, deferredByQuietHours: 1 });
    const [deferred] = await adminQuery<{ subject_ref: string }>(
      h.adminUrl,
      "SELECT subject_ref FROM outreach.sends WHERE run_id = $1 AND state = 'planned'",
      [runId],
    );
    expect(deferred.subject_ref).toBe(ny);
    await request(h.http)
      .post(`/api/v1/outreach/campaigns/${(await h.run(runId)).campaignId}/cancel`)
      .set('Authorization', await h.marketer())
      .expect(200);
    // R10: a member who withdrew everything keeps no time zone here.
    await h.withdraw(ny);
    expect(
      await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.recipient_time_zones WHERE subject_ref = $1', [
        ny,
      ]),
    ).toEqual([]);
  });

  it('records a vendor blacklist refusal by its code and suppresses the number for this channel', async () => {
    const [a, b] = await members(2, 60);
    vendor.blacklisted.add(phone(61));
    const template = await h.declareTemplate('aliyun');
    const segment = randomUUID();
    await h.materialize(segment, 1, [a, b]);
    const run = await h.waitForRun(await h.startRun(await h.createCampaign(segment, template)), 'done');
    expect(run.results).toMatchObject({
      submitted: 1,
      failed: { 'FailedOperation.PhoneNumberInBlacklist': 1 },
    });
    const segment2 = randomUUID();
    await h.materialize(segment2, 1, [b]);
    const again = await h.waitForRun(await h.startRun(await h.createCampaign(segment2, template)), 'done');
    expect(again.results).toMatchObject({ submitted: 0, blocked: { suppressed: 1 } });
  });

  it('prunes outreach’s copies when a member withdraws (R10): segment membership and planned sends, keeping the suppression', async () => {
    const [a] = await members(1, 70);
    const segment = randomUUID();
    await h.materialize(segment, 1, [a]);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    await request(h.http)
      .post(`/api/v1/outreach/campaigns/${campaign}/pause`)
      .set('Authorization', await h.marketer())
      .expect(409);
    // A run planned but held before its first chunk: the withdrawal blocks its planned send. It is
    // held by stopping consent's heartbeats (the gate pauses a stale projection), not by a pause
    // request, which would race a one-member run that can finish before the request lands.
    await h.stopHeartbeat();
    let runId: string;
    try {
      await new Promise((r) => setTimeout(r, 1200));
      runId = await h.startRun(campaign);
      expect((await h.waitForRun(runId, 'paused')).results).toMatchObject({ submitted: 0, pending: 1 });
      await h.withdraw(a);
    } finally {
      h.startHeartbeat();
    }
    expect(
      await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.segment_members WHERE subject_ref = $1', [a]),
    ).toEqual([]);
    expect(
      await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.contact_points WHERE subject_ref = $1', [a]),
    ).toEqual([]);
    expect(
      await adminQuery(h.adminUrl, 'SELECT source FROM outreach.suppressions WHERE subject_ref = $1', [a]),
    ).toEqual([{ source: 'unsubscribe_link' }]);
    // Paused by the system (stale projection): it resumes by itself once the projection is current.
    const done = await h.waitForRun(runId, 'done');
    expect(done.results.submitted).toBe(0);
  });

  it('applies Aliyun delivery receipts to their sends, and a carrier blacklist receipt suppresses the number', async () => {
    const [a, b] = await members(2, 80);
    const segment = randomUUID();
    await h.materialize(segment, 1, [a, b]);
    const runId = await h.startRun(await h.createCampaign(segment, await h.declareTemplate('aliyun')));
    await h.waitForRun(runId, 'done');
    const sends = (
      await request(h.http)
        .get(`/api/v1/outreach/runs/${runId}/sends`)
        .set('Authorization', await h.marketer())
    ).body as { sendId: string; subjectRef: string; vendorMessageId?: string }[];
    const sendOf = (ref: string) => sends.find((s) => s.subjectRef === ref)!.sendId;
    const report = (p: string, sendId: string, ok: boolean, code: string) => ({
      phone_number: p,
      success: ok,
      biz_id: `v-${sendId}`,
      out_id: sendId,
      send_time: '2026-12-06 10:00:00',
      report_time: '2026-12-06 10:00:05',
      err_code: code,
      err_msg: ok ? '用户接收成功' : '黑名单',
      sms_size: '1',
    });
    const body = [
      report(phone(80), sendOf(a), true, 'DELIVERED'),
      report(phone(81), sendOf(b), false, 'MBBLACK'),
    ];
    await request(h.http).post('/webhooks/sms-receipts/aliyun?token=wrong').send(body).expect(401);
    await request(h.http)
      .post('/webhooks/sms-receipts/aliyun?token=receipt-token-for-tests')
      .send(body)
      .expect(200, { code: 0, msg: '成功' });
    const run = await h.run(runId);
    expect(run.results).toMatchObject({ submitted: 2, delivered: 1, failed: { MBBLACK: 1 } });
    expect(
      await adminQuery(h.adminUrl, 'SELECT source FROM outreach.suppressions WHERE subject_ref = $1', [b]),
    ).toEqual([{ source: 'vendor_blacklist' }]);
    // Every decrypt is audited: one for the dispatch (two when a loaded machine let the chunk's
    // lease lapse and another claim decrypted again — it still sent once, submitted: 2 above), then
    // exactly one for the receipt.
    const actions = (await readAudit(h.ds.manager, b)).map((e) => e.action);
    const dispatches = actions.filter((a) => a === 'decrypt_contact_for_dispatch').length;
    expect(dispatches).toBeGreaterThanOrEqual(1);
    expect(actions).toEqual([
      ...Array<string>(dispatches).fill('decrypt_contact_for_dispatch'),
      'decrypt_contact_for_receipt',
    ]);
  });
});
