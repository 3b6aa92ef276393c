import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminQuery, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';
import { RecordingSmsChannel, RecordingSmsVendor } from '../../test/recording-sms-vendor';

describe('templates as the vendors have them, and scheduled campaigns (issue 17 §1, §2)', () => {
  const h = new OutreachHarness();
  const vendor = new RecordingSmsVendor();

  beforeAll(async () => {
    const url = await vendor.start();
    await h.start({ smsChannels: () => [new RecordingSmsChannel(url)] });
    h.startHeartbeat();
  });

  afterAll(async () => {
    await h.stop();
    await vendor.stop();
  });

  it('refuses to declare a marketing template without the opt-out, naming every problem', async () => {
    const res = await request(h.http)
      .post('/api/v1/outreach/templates')
      .set('Authorization', await h.marketer())
      .send({
        vendor: 'sandbox',
        signName: '示例品牌',
        templateCode: 'SMS_BAD',
        name: 'bad',
        content: '${name}您好，冬季会员价',
        kind: 'marketing',
      })
      .expect(422);
    expect(res.body.code).toBe('TEMPLATE_REFUSED');
    expect(res.body.details.problems).toEqual([
      'variable "name" is personal information and can never be a template variable (R16)',
      'marketing template lacks the reply opt-out text ("回T退订" or "拒收请回复R") (R9)',
      'marketing template lacks the unsubscribe-link variable ${unsubscribe_link} (R9)',
      'marketing template lacks the 广告 or 定推 label for targeted content (R11)',
    ]);
    expect(await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.sms_templates')).toEqual([]);
  });

  it('syncs the vendor’s approved templates, keeps the unusable ones with their problems, and refuses them for campaigns', async () => {
    vendor.templates = [
      {
        templateCode: 'SMS_001',
        name: 'ok',
        content: '广告 会员价${discount} 退订${unsubscribe_link} 回T退订',
        kind: 'marketing',
        status: 'approved',
      },
      {
        templateCode: 'SMS_002',
        name: 'no opt-out',
        content: '广告 会员价${discount}',
        kind: 'marketing',
        status: 'approved',
      },
      {
        templateCode: 'SMS_003',
        name: 'waiting',
        content: '您的订单已发货',
        kind: 'notification',
        status: 'pending',
      },
    ];
    const sync = await request(h.http)
      .post('/api/v1/outreach/templates/sync/aliyun')
      .set('Authorization', await h.marketer())
      .expect(200);
    expect(sync.body).toEqual({ vendor: 'aliyun', listed: 3, usable: 1, markedRejected: 0 });
    const list = await request(h.http)
      .get('/api/v1/outreach/templates')
      .set('Authorization', await h.marketer());
    const byCode = Object.fromEntries(list.body.map((t: { templateCode: string }) => [t.templateCode, t]));
    expect(byCode.SMS_001).toMatchObject({
      usable: true,
      signName: '示例品牌',
      variables: ['discount', 'unsubscribe_link'],
    });
    expect(byCode.SMS_002).toMatchObject({ usable: false });
    expect(byCode.SMS_002.problems).toContain(
      'marketing template lacks the reply opt-out text ("回T退订" or "拒收请回复R") (R9)',
    );
    const refused = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        name: 'x',
        segmentId: randomUUID(),
        purpose: 'marketing_messages',
        channel: 'sms',
        templateId: byCode.SMS_002.id,
        variants: [{ name: 'A', variables: { discount: '8折' } }],
        schedule: { kind: 'now' },
      })
      .expect(422);
    expect(refused.body.code).toBe('CAMPAIGN_TEMPLATE_NOT_USABLE');
    expect(refused.body.message).toContain('lacks the reply opt-out text');

    // A template the vendor no longer lists is marked rejected, never deleted.
    vendor.templates = vendor.templates.slice(0, 1);
    const again = await request(h.http)
      .post('/api/v1/outreach/templates/sync/aliyun')
      .set('Authorization', await h.marketer())
      .expect(200);
    expect(again.body.markedRejected).toBe(2);
  });

  it('shows parts and cost before sending: 70 characters in one part, 67 per part beyond, signature included', async () => {
    const declare = async (content: string) =>
      (
        await request(h.http)
          .post('/api/v1/outreach/templates')
          .set('Authorization', await h.marketer())
          .send({
            vendor: 'sandbox',
            signName: '示例品牌',
            templateCode: `N_${randomUUID().slice(0, 6)}`,
            name: 'n',
            content,
            kind: 'notification',
          })
          .expect(201)
      ).body.id;
    const preview = async (id: string, variables: Record<string, string>) =>
      (
        await request(h.http)
          .post(`/api/v1/outreach/templates/${id}/preview`)
          .set('Authorization', await h.marketer())
          .send({ variables })
          .expect(200)
      ).body;
    // 【示例品牌】 is 6 characters; 64 more make exactly 70.
    const id = await declare('您的订单${date}已发货' + '。'.repeat(64 - 7 - 10));
    expect(await preview(id, { date: '2026-12-06' })).toMatchObject({
      characters: 70,
      parts: 1,
      costFenPerRecipient: 4.5,
    });
    expect(await preview(id, { date: '2026-12-06X' })).toMatchObject({
      characters: 71,
      parts: 2,
      costFenPerRecipient: 9,
    });
  });

  it('starts a campaign scheduled at a time when the time comes, and a recurring one again by its cron expression', async () => {
    const ref = randomUUID();
    await h.grant(ref, '13900000999');
    const segment = randomUUID();
    await h.materialize(segment, 1, [ref]);
    const template = await h.declareTemplate();
    const at = new Date(Date.now() + 1500).toISOString();
    const campaign = await h.createCampaign(segment, template, { schedule: { kind: 'at', at } });
    const scheduled = await request(h.http)
      .post(`/api/v1/outreach/campaigns/${campaign}/schedule`)
      .set('Authorization', await h.marketer())
      .expect(200);
    expect(scheduled.body).toMatchObject({ state: 'scheduled', nextRunAt: at });
    expect(
      await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.campaign_runs WHERE campaign_id = $1', [campaign]),
    ).toEqual([]);
    await waitFor(async () => {
      const c = await request(h.http)
        .get(`/api/v1/outreach/campaigns/${campaign}`)
        .set('Authorization', await h.marketer());
      return c.body.state === 'done';
    }, 'scheduled campaign done');
    const [run] = (
      await request(h.http)
        .get(`/api/v1/outreach/campaigns/${campaign}/runs`)
        .set('Authorization', await h.marketer())
    ).body;
    expect(Date.parse(run.createdAt)).toBeGreaterThanOrEqual(Date.parse(at));

    const recurring = await h.createCampaign(segment, template, {
      schedule: { kind: 'cron', cron: '*/1 * * * * *', timeZone: 'Asia/Shanghai' },
    });
    await request(h.http)
      .post(`/api/v1/outreach/campaigns/${recurring}/schedule`)
      .set('Authorization', await h.marketer())
      .expect(200);
    await waitFor(
      async () =>
        (
          await adminQuery(
            h.adminUrl,
            "SELECT 1 FROM outreach.campaign_runs WHERE campaign_id = $1 AND state = 'done'",
            [recurring],
          )
        ).length >= 2,
      'two recurring runs',
    );
    await request(h.http)
      .post(`/api/v1/outreach/campaigns/${recurring}/cancel`)
      .set('Authorization', await h.marketer())
      .expect(200);
    // Recurring: the same member is sent to on every run.
    const sent = await adminQuery<{ n: number }>(
      h.adminUrl,
      "SELECT count(*)::int AS n FROM outreach.sends WHERE campaign_id = $1 AND state = 'submitted'",
      [recurring],
    );
    expect(sent[0].n).toBeGreaterThanOrEqual(2);
  });

  it('refuses a cron expression that does not parse, precisely', async () => {
    const res = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        name: 'x',
        segmentId: randomUUID(),
        purpose: 'marketing_messages',
        channel: 'sms',
        templateId: await h.declareTemplate(),
        variants: [{ name: 'A', variables: { offer_code: 'X1' } }],
        schedule: { kind: 'cron', cron: '61 * * * *' },
      })
      .expect(422);
    expect(res.body.code).toBe('CAMPAIGN_SCHEDULE_INVALID');
    expect(res.body.message).toContain('schedule.cron "61 * * * *" in Asia/Shanghai does not parse');
  });
});
