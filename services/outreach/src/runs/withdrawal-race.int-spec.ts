import { randomUUID } from 'node:crypto';
import { adminQuery, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';
import { RecordingSmsChannel, RecordingSmsVendor } from '../../test/recording-sms-vendor';

const phone = (i: number) => `137${String(10_000_000 + i).slice(-8)}`;
const MEMBERS = 600;
const WITHDRAWALS = 80;

/**
 * The race of issue 17 §6 in small (the 1,000-withdrawal figure is `bench/outreach/fanout.bench.ts`):
 * withdrawals arrive while a campaign is sending, chunk after chunk, pipelined.
 */
describe('withdrawals racing a sending campaign (invariant 4, R9)', () => {
  const h = new OutreachHarness();
  const vendor = new RecordingSmsVendor();

  beforeAll(async () => {
    const url = await vendor.start();
    // Small chunks and a slow vendor, so the run lasts long enough for withdrawals to land mid-run.
    vendor.answerDelayMs = 80;
    await h.start({
      smsChannels: () => [new RecordingSmsChannel(url)],
      runner: { pollMs: 50, leaseMs: 2000, chunkSize: 20 },
      // 80 withdrawals at once hold the heartbeats back (one consent order): the gate then waits for
      // a fresh watermark (no send meanwhile) instead of pausing the run after the harness's 0.5 s.
      freshnessWaitMs: 20_000,
    });
    h.startHeartbeat(50);
  });

  afterAll(async () => {
    await h.stop();
    await vendor.stop();
  });

  it('admits no message after the withdrawal reached the projection, and none reaches the vendor later than the withdrawal’s commit + 1 s', async () => {
    const refs = Array.from({ length: MEMBERS }, () => randomUUID());
    for (let i = 0; i < MEMBERS; i++) await h.grant(refs[i], phone(i));
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    const runId = await h.startRun(await h.createCampaign(segment, await h.declareTemplate('aliyun')));

    // Once the run sends: withdraw the members it will reach last (they must be refused) and the
    // ones at the gate's front (the race proper), committed (consent) and applied (outreach).
    await waitFor(
      async () =>
        (
          await adminQuery(
            h.adminUrl,
            "SELECT 1 FROM outreach.sends WHERE run_id = $1 AND state <> 'planned' LIMIT 1",
            [runId],
          )
        ).length > 0,
      'the run sending',
    );
    const order = (
      await adminQuery<{ subject_ref: string }>(
        h.adminUrl,
        "SELECT subject_ref FROM outreach.sends WHERE run_id = $1 AND state = 'planned' ORDER BY not_before, send_id",
        [runId],
      )
    ).map((r) => r.subject_ref);
    const targets = [...order.slice(-WITHDRAWALS / 2).reverse(), ...order.slice(0, WITHDRAWALS / 2)];
    const withdrawn = new Map<string, { committedAt: number; appliedAt: number; phone: string }>();
    await Promise.all(
      targets.map(async (ref) => {
        const committedAt = await h.withdraw(ref);
        withdrawn.set(ref, {
          committedAt,
          appliedAt: Date.now(),
          phone: phone((refs as string[]).indexOf(ref)),
        });
      }),
    );
    const run = await h.waitForRun(runId, 'done', 60_000);

    // Some withdrawals came before their member's turn and were honoured, some after: a real race.
    expect(run.results.blocked.consent_withdrawn).toBeGreaterThan(0);
    expect(run.results.submitted).toBeGreaterThan(0);

    const sends = await adminQuery<{ subject_ref: string; state: string; dispatched_at: Date | null }>(
      h.adminUrl,
      'SELECT subject_ref, state, dispatched_at FROM outreach.sends WHERE run_id = $1 AND subject_ref = ANY ($2::uuid[])',
      [runId, [...withdrawn.keys()]],
    );
    const admittedAfterApplied = sends.filter(
      (s) =>
        s.dispatched_at !== null &&
        s.state !== 'blocked' &&
        s.dispatched_at.getTime() > withdrawn.get(s.subject_ref)!.appliedAt,
    );
    expect(admittedAfterApplied).toEqual([]);
    const byPhone = new Map(vendor.received.map((m) => [m.phone, m.at]));
    const lateBeyondBound = [...withdrawn.values()].filter(
      (w) => byPhone.has(w.phone) && byPhone.get(w.phone)! > w.committedAt + 1000,
    );
    expect(lateBeyondBound).toEqual([]);
  }, 120_000);
});
