import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { adminQuery, bearer, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

const phone = (i: number) => `137${String(20_000_000 + i).slice(-8)}`;
const HOUR = 3600_000;
const hourOf = (ms: number) => new Date(Math.floor(ms / HOUR) * HOUR).toISOString();

describe('campaign results over time (issue 12: the results chart)', () => {
  const h = new OutreachHarness();

  beforeAll(async () => {
    await h.start();
    h.startHeartbeat();
  });
  afterAll(() => h.stop());

  const timeline = async (id: string, query = '') =>
    request(h.http)
      .get(`/api/v1/outreach/campaigns/${id}/timeline${query}`)
      .set('Authorization', await h.marketer());

  it('counts sends, deliveries, failures, gate refusals and opt-outs in the hour each happened', async () => {
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const [i, ref] of [a, b, c, d].entries()) await h.grant(ref, phone(i));
    await h.withdraw(d);
    const segment = randomUUID();
    await h.materialize(segment, 1, [a, b, c, d]);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    await h.waitForRun(await h.startRun(campaign), 'done');

    // Move the dispatch two hours back and give a and b their receipts an hour later.
    const base = Date.now() - 2 * HOUR;
    await adminQuery(
      h.adminUrl,
      `UPDATE outreach.sends SET dispatched_at = $2 WHERE campaign_id = $1 AND state = 'submitted'`,
      [campaign, new Date(base)],
    );
    await adminQuery(
      h.adminUrl,
      `UPDATE outreach.sends SET state = CASE subject_ref WHEN $2::uuid THEN 'delivered' ELSE 'failed' END,
              error_code = CASE subject_ref WHEN $2::uuid THEN NULL ELSE 'MOBILE_NUMBER_ILLEGAL' END,
              reported_at = $4
        WHERE campaign_id = $1 AND subject_ref IN ($2::uuid, $3::uuid)`,
      [campaign, a, b, new Date(base + HOUR)],
    );
    // c says no now, within 72 h of the send.
    await h.withdraw(c);
    await waitFor(
      async () =>
        (await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.suppressions WHERE subject_ref = $1', [c]))
          .length > 0,
      'c suppressed',
    );

    const res = await timeline(campaign);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ campaignId: campaign, bucket: 'hour', timeZone: 'Asia/Shanghai' });
    const now = Date.now();
    const zero = { sent: 0, delivered: 0, failed: 0, blocked: 0, unsubscribed: 0 };
    expect(res.body.points).toEqual([
      { ...zero, start: hourOf(base), sent: 3 },
      { ...zero, start: hourOf(base + HOUR), delivered: 1, failed: 1 },
      { ...zero, start: hourOf(now), blocked: 1, unsubscribed: 1 },
    ]);
  });

  it('cuts day buckets at midnight in the time zone asked for, and the totals do not change', async () => {
    const [a] = [randomUUID()];
    await h.grant(a, phone(10));
    const segment = randomUUID();
    await h.materialize(segment, 1, [a]);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    await h.waitForRun(await h.startRun(campaign), 'done');

    const shanghai = await timeline(campaign, '?bucket=day');
    expect(shanghai.status).toBe(200);
    expect(shanghai.body.points).toHaveLength(1);
    expect(shanghai.body.points[0].start).toMatch(/T16:00:00\.000Z$/); // 00:00 in UTC+8
    expect(shanghai.body.points[0].sent).toBe(1);
    const utc = await timeline(campaign, '?bucket=day&timeZone=UTC');
    expect(utc.body.points[0].start).toMatch(/T00:00:00\.000Z$/);
    expect(utc.body.points[0].sent).toBe(1);
  });

  it('refuses an unknown bucket or time zone by field, an unknown campaign with 404, and other roles', async () => {
    const segment = randomUUID();
    await h.materialize(segment, 1, [randomUUID()]);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    const week = await timeline(campaign, '?bucket=week');
    expect(week.status).toBe(400);
    expect(week.body.errors.map((e: { field: string }) => e.field)).toEqual(['bucket']);
    const zone = await timeline(campaign, '?timeZone=Mars/Olympus');
    expect(zone.status).toBe(400);
    expect(zone.body.errors.map((e: { field: string }) => e.field)).toEqual(['timeZone']);
    const unknown = await timeline(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CAMPAIGN_NOT_FOUND');
    await request(h.http)
      .get(`/api/v1/outreach/campaigns/${campaign}/timeline`)
      .set('Authorization', await bearer(h.authKeys, 'ops'))
      .expect(403);
  });
});
