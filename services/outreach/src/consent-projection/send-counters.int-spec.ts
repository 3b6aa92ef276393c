import { randomUUID } from 'node:crypto';
import type { Channel } from '@siyu/contracts';
import { OutreachHarness } from '../../test/outreach-harness';
import { backfillSendCounters } from '../migrations/1763900003640-outreach-send-counters';
import { SendRepository, type SendState } from '../runs/send.repository';
import { SendGate } from '../send-gate/send-gate';
import type { OutreachModuleOptions } from '../outreach.options';

const phone = (i: number) => `137${String(10_000_000 + i).slice(-8)}`;

/**
 * Frequency caps read the per-member, per-channel send counter (issue 17 §4), kept by a trigger in
 * the same transaction as each send's state change. Every rule stays exact: the 5th marketing SMS
 * in 30 rolling days and WeCom's 5th in the member's natural month are refused, window edges hold to
 * the second, and sends that never reached the vendor (failed, refused, put back) do not count.
 */
describe('send counters: frequency caps through one join (issue 17 §4)', () => {
  const h = new OutreachHarness();
  let campaignId: string;
  let n = 0;

  beforeAll(async () => {
    // No runner: each test drives the gate itself, one chunk at a time.
    await h.start({
      runner: { pollMs: 0 },
      frequencyCaps: { sms: { max: 4, days: 30 }, wecom: { max: 4 } },
    });
    h.startHeartbeat();
    campaignId = await h.createCampaign(randomUUID(), await h.declareTemplate());
  });

  afterAll(async () => {
    await h.stop();
  });

  async function newRun(): Promise<string> {
    const runId = randomUUID();
    await h.ds.query(
      `INSERT INTO campaign_runs (id, campaign_id, segment_id, segment_version, state, started_by)
       VALUES ($1, $2, $3, 1, 'sending', 'test')`,
      [runId, campaignId, randomUUID()],
    );
    return runId;
  }

  async function member(channel: Channel = 'sms', timeZone?: string): Promise<string> {
    const ref = randomUUID();
    const contact =
      channel === 'wecom' ? JSON.stringify({ externalUserId: `wm${n}`, staffUserId: 'staff-1' }) : phone(n);
    n++;
    await h.grantOn(ref, channel, contact, timeZone);
    return ref;
  }

  /** A send already in the log, dispatched at `at` (an SQL timestamptz expression); answers its id. */
  async function past(ref: string, state: SendState, at: string, channel: Channel = 'sms'): Promise<string> {
    const sendId = randomUUID();
    await h.ds.query(
      `INSERT INTO sends (send_id, run_id, campaign_id, subject_ref, channel, purpose, state, dispatched_at)
       VALUES ($1, $2, $3, $4, $5, 'marketing_messages', $6, ${at})`,
      [sendId, await newRun(), campaignId, ref, channel, state],
    );
    return sendId;
  }

  /** One planned send in a new run, through the real gate: answers the verdict. */
  async function gate(
    ref: string,
    channel: Channel = 'sms',
    inside?: () => Promise<void>,
  ): Promise<{ sendId: string; verdict: string }> {
    const runId = await newRun();
    const sendId = randomUUID();
    await h.ds.query(
      `INSERT INTO sends (send_id, run_id, campaign_id, subject_ref, channel, purpose, state)
       VALUES ($1, $2, $3, $4, $5, 'marketing_messages', 'planned')`,
      [sendId, runId, campaignId, ref, channel],
    );
    await h.watermark();
    const chunk = await h.ds.transaction(async (tx) => {
      const c = await h.app.get(SendGate).admitChunk(tx, h.transport, {
        runId,
        purpose: 'marketing_messages',
        channel,
        limit: 10,
        quietHours: null,
      });
      await inside?.();
      return c;
    });
    expect(chunk.fresh).toBe(true);
    if (chunk.admitted.length === 1) return { sendId, verdict: 'admitted' };
    return { sendId, verdict: chunk.blocked[0]?.reason ?? 'nothing claimed' };
  }

  const counted = async (ref: string, channel: Channel = 'sms'): Promise<number> => {
    const [row] = await h.ds.query(
      "SELECT reached FROM send_counters WHERE subject_ref = $1 AND channel = $2 AND purpose = 'marketing_messages'",
      [ref, channel],
    );
    return row ? Object.keys(row.reached).length : 0;
  };

  it('admits a 4th marketing SMS within 30 days and refuses the 5th with the reason frequency_cap', async () => {
    const ref = await member();
    await past(ref, 'submitted', "now() - interval '3 days'");
    await past(ref, 'delivered', "now() - interval '2 days'");
    await past(ref, 'unknown', "now() - interval '1 day'");
    expect(await counted(ref)).toBe(3);
    expect((await gate(ref)).verdict).toBe('admitted');
    expect(await counted(ref)).toBe(4);
    expect((await gate(ref)).verdict).toBe('frequency_cap');
    expect(await counted(ref)).toBe(4);
  });

  it('counts a send for exactly 30 days: one dispatched 5 s inside the window still counts, one 5 s outside no longer does', async () => {
    const inside = await member();
    const outside = await member();
    for (const ref of [inside, outside])
      for (let i = 0; i < 3; i++) await past(ref, 'delivered', `now() - interval '${10 + i} days'`);
    await past(inside, 'delivered', "clock_timestamp() - interval '30 days' + interval '5 seconds'");
    await past(outside, 'delivered', "clock_timestamp() - interval '30 days' - interval '5 seconds'");
    expect((await gate(inside)).verdict).toBe('frequency_cap');
    expect((await gate(outside)).verdict).toBe('admitted');
  });

  it('caps WeCom at 4 per natural month in the member’s own time zone: sends a second before their month began do not count, a second after do', async () => {
    const monthStart = (zone: string) =>
      `(date_trunc('month', now() AT TIME ZONE '${zone}') AT TIME ZONE '${zone}')`;
    const cases = [
      { zone: 'Asia/Shanghai', offset: "- interval '1 second'", expected: 'admitted' },
      { zone: 'Asia/Shanghai', offset: "+ interval '1 second'", expected: 'frequency_cap' },
      { zone: 'Pacific/Honolulu', offset: "- interval '1 second'", expected: 'admitted' },
      { zone: 'Pacific/Honolulu', offset: "+ interval '1 second'", expected: 'frequency_cap' },
    ];
    const verdicts: string[] = [];
    for (const { zone, offset } of cases) {
      const ref = await member('wecom', zone);
      for (let i = 0; i < 4; i++) await past(ref, 'submitted', `${monthStart(zone)} ${offset}`, 'wecom');
      verdicts.push((await gate(ref, 'wecom')).verdict);
    }
    expect(verdicts).toEqual(cases.map((c) => c.expected));
    // The two zones' months begin 18 hours apart: the edge is the member's, not the brand's.
    const [{ apart }] = await h.ds.query(
      `SELECT extract(epoch FROM ${monthStart('Pacific/Honolulu')} - ${monthStart('Asia/Shanghai')})::int AS apart`,
    );
    expect(Math.abs(apart)).toBeGreaterThanOrEqual(18 * 3600);
  });

  it('does not count a send the vendor failed, one the gate refused, one cancelled, or one put back to planned after reconciling', async () => {
    const ref = await member();
    await past(ref, 'failed', "now() - interval '1 day'");
    await past(ref, 'blocked', "now() - interval '1 day'");
    await past(ref, 'cancelled', "now() - interval '1 day'");
    const a = await past(ref, 'submitted', "now() - interval '4 days'");
    const b = await past(ref, 'submitted', "now() - interval '3 days'");
    await past(ref, 'submitted', "now() - interval '2 days'");
    await past(ref, 'submitted', "now() - interval '1 days'");
    expect(await counted(ref)).toBe(4);
    expect((await gate(ref)).verdict).toBe('frequency_cap');
    // A receipt says one failed; reconciling finds another never reached the vendor.
    await h.ds.transaction(async (tx) => {
      await h.app
        .get(SendRepository)
        .recordOutcomes(tx, 'sandbox', [
          { sendId: a, state: 'failed', errorCode: 'isv.MOBILE_NUMBER_ILLEGAL' },
        ]);
    });
    expect(await counted(ref)).toBe(3);
    expect((await gate(ref)).verdict).toBe('admitted');
    await h.ds.transaction(async (tx) => {
      await h.app.get(SendRepository).recordOutcomes(tx, 'sandbox', [{ sendId: b, state: 'planned' }]);
    });
    expect(await counted(ref)).toBe(3);
    expect((await gate(ref)).verdict).toBe('admitted');
    expect((await gate(ref)).verdict).toBe('frequency_cap');
  });

  it('leaves the counter as it was when the admitting transaction dies before commit, so a retry is counted once', async () => {
    const ref = await member();
    for (let i = 0; i < 3; i++) await past(ref, 'submitted', `now() - interval '${i + 1} days'`);
    await expect(
      gate(ref, 'sms', async () => {
        throw new Error('crash between admission and commit');
      }),
    ).rejects.toThrow('crash between admission and commit');
    expect(await counted(ref)).toBe(3);
    expect((await gate(ref)).verdict).toBe('admitted');
    expect((await gate(ref)).verdict).toBe('frequency_cap');
  });

  it('keeps caps apart per channel: four SMS do not hold back a WeCom message', async () => {
    const ref = await member();
    await h.grantOn(ref, 'wecom', JSON.stringify({ externalUserId: 'wm-both', staffUserId: 'staff-1' }));
    for (let i = 0; i < 4; i++) await past(ref, 'delivered', `now() - interval '${i + 1} hours'`);
    expect((await gate(ref, 'sms')).verdict).toBe('frequency_cap');
    expect((await gate(ref, 'wecom')).verdict).toBe('admitted');
  });

  it('the migration’s backfill rebuilds every counter from the stored sends, and the gate decides the same from it', async () => {
    const full = await member();
    const partly = await member();
    for (let i = 0; i < 4; i++) await past(full, 'delivered', `now() - interval '${i + 1} days'`);
    await past(partly, 'submitted', "now() - interval '1 day'");
    await past(partly, 'failed', "now() - interval '1 day'");
    const before = await h.ds.query('SELECT * FROM send_counters ORDER BY subject_ref, channel, purpose');
    expect(before.length).toBeGreaterThan(2);
    await h.ds.query('DELETE FROM send_counters');
    await backfillSendCounters(h.ds);
    expect(await h.ds.query('SELECT * FROM send_counters ORDER BY subject_ref, channel, purpose')).toEqual(
      before,
    );
    expect(await counted(partly)).toBe(1);
    expect((await gate(full)).verdict).toBe('frequency_cap');
  });

  it('cuts entries older than the 400 days it keeps once a member’s row outgrows 2 kB, and keeps every recent one', async () => {
    const ref = await member();
    for (let i = 0; i < 40; i++) await past(ref, 'delivered', `now() - interval '${401 + i} days'`);
    for (let i = 0; i < 3; i++) await past(ref, 'delivered', `now() - interval '${i + 1} days'`);
    const [{ old, recent }] = await h.ds.query(
      `SELECT count(*) FILTER (WHERE v < to_jsonb(extract(epoch FROM now() - interval '400 days')))::int AS old,
              count(*) FILTER (WHERE v >= to_jsonb(extract(epoch FROM now() - interval '400 days')))::int AS recent
         FROM send_counters, jsonb_each(reached) e (k, v) WHERE subject_ref = $1`,
      [ref],
    );
    expect(recent).toBe(3);
    expect(old).toBeLessThan(40);
    expect((await gate(ref)).verdict).toBe('admitted');
    expect((await gate(ref)).verdict).toBe('frequency_cap');
  });

  it('refuses to start with a cap window longer than the 400 days the counters keep', () => {
    const options = { frequencyCaps: { sms: { max: 4, days: 500 } } } as unknown as OutreachModuleOptions;
    expect(() => new SendGate(options, undefined as never)).toThrow(
      'frequencyCaps.sms.days must be 1–400, got 500',
    );
  });
});
