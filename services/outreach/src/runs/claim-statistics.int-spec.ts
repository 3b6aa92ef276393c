import { randomUUID } from 'node:crypto';
import { OutreachHarness } from '../../test/outreach-harness';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { OUTREACH_SUPPRESSION_SOURCES } from '../send-gate/send-gate';
import { TemplateRepository } from '../templates/template.repository';
import { DispatchRun } from './dispatch-run';
import { RunRepository } from './run.repository';

const CHUNK = 50;
const MEMBERS = 12 * CHUNK;

/**
 * A run's chunks are claimed in send order through `sends_due`, not by reading every planned send
 * of the run for each chunk (issue 17 §6: with statistics from before the run's bulk insert, the
 * claim walked `sends_planned_member` in full and sorted it, per chunk: 30–43 ms of a 41–47 ms
 * statement at 100,000 recipients). Planning refreshes the statistics of `sends` once a run is ten
 * chunks or more.
 */
describe('campaign runs: the claim walks the due-sends index after a large plan', () => {
  const h = new OutreachHarness();

  beforeAll(async () => {
    await h.start({ runner: { pollMs: 0, chunkSize: CHUNK } });
    h.startHeartbeat();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('plans a run of twelve chunks with statistics that know them, and claims its first chunk without scanning the others', async () => {
    // The statistics a finished campaign leaves: its sends delivered, none planned, vacuumed.
    const earlier = randomUUID();
    await h.ds.query(
      `INSERT INTO campaign_runs (id, campaign_id, segment_id, segment_version, state, started_by)
       VALUES ($1, $2, $3, 1, 'done', 'test')`,
      [earlier, await h.createCampaign(randomUUID(), await h.declareTemplate()), randomUUID()],
    );
    await h.ds.query(
      `INSERT INTO sends (send_id, run_id, campaign_id, subject_ref, channel, purpose, state, dispatched_at)
       SELECT gen_random_uuid(), r.id, r.campaign_id, gen_random_uuid(), 'sms', 'marketing_messages', 'delivered',
              now() - interval '40 days'
         FROM campaign_runs r, generate_series(1, $2) WHERE r.id = $1`,
      [earlier, 20 * MEMBERS],
    );
    await h.ds.query('VACUUM ANALYZE sends');
    const segmentId = randomUUID();
    await h.ds.query(
      `INSERT INTO segment_members (segment_id, version, subject_ref)
       SELECT $1, 1, gen_random_uuid() FROM generate_series(1, $2)`,
      [segmentId, MEMBERS],
    );
    await h.ds.query(
      `INSERT INTO segment_versions (segment_id, version, purpose, channel, size, parts, parts_received)
       VALUES ($1, 1, 'marketing_messages', 'sms', $2, 1, 1)`,
      [segmentId, MEMBERS],
    );
    const campaignId = await h.createCampaign(segmentId, await h.declareTemplate());
    const runId = await h.startRun(campaignId);
    const campaign = (await h.app.get(CampaignRepository).findById(h.ds.manager, campaignId))!;
    const template = await h.app.get(TemplateRepository).find(h.ds.manager, 'demo', campaign.templateId!);
    const run = (await h.app.get(RunRepository).find(h.ds.manager, runId))!;
    // Plans, then stops before the first chunk (the process "stopping").
    await h.app.get(DispatchRun).execute(run, campaign, template, 'test-owner', () => true);
    const [{ planned }] = await h.ds.query(
      "SELECT count(*)::int AS planned FROM sends WHERE run_id = $1 AND state = 'planned'",
      [runId],
    );
    expect(planned).toBe(MEMBERS);
    // The planner knows the run's planned sends exist: statistics that predate them estimate one
    // row (the root cause: at 100,000 sends that estimate let it pick a full walk of another index).
    // Fresh ones give at least a chunk's worth here (run and state are estimated independently).
    const [{ 'QUERY PLAN': estimate }] = await h.ds.query(
      "EXPLAIN SELECT send_id FROM sends WHERE run_id = $1 AND state = 'planned'",
      [runId],
    );
    expect(Number(/rows=(\d+)/.exec(estimate)![1])).toBeGreaterThanOrEqual(CHUNK / 2);

    await h.watermark();
    const plan = await h.ds
      .transaction(async (tx) => {
        const text = await h.app.get(ConsentProjectionRepository).explainAdmitChunk(tx, {
          runId,
          purpose: 'marketing_messages',
          channel: 'sms',
          limit: CHUNK,
          partitions: 3,
          freshnessBoundMs: 60_000,
          cap: null,
          quietHours: null,
          defaultTimeZone: 'Asia/Shanghai',
          suppressionSources: OUTREACH_SUPPRESSION_SOURCES,
        });
        throw Object.assign(new Error('rollback'), { text });
      })
      .catch((e: Error & { text?: string }) => e.text ?? e.message);
    expect(plan).toContain('sends_due');
    expect(plan).not.toContain('sends_planned_member');
    // The claim reads its chunk's rows (and the few after them), not the run's 600.
    const claimed = /Index Scan using sends_due on sends s .*actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(
      plan,
    );
    expect(claimed).not.toBeNull();
    expect(Number(claimed![1])).toBeLessThan(2 * CHUNK);
  });
});
