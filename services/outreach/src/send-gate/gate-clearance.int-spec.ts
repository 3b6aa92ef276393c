import { randomUUID } from 'node:crypto';
import { OutreachHarness } from '../../test/outreach-harness';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { SendRepository } from '../runs/send.repository';
import { SendGate } from './send-gate';

const phone = (i: number) => `139${String(10_000_000 + i).slice(-8)}`;

/**
 * Clearance at planning (ADR 0018): the plan judges, set-wise, the gate's checks that do not depend
 * on the clock, and the gate at dispatch trusts a cleared send only while nothing it rests on
 * changed after the plan's snapshot. Every test here decides through the real gate statement over
 * a real plan; the refusals are still decided at dispatch, with their reasons.
 */
describe('send gate: clearance at planning, every change after it re-checked (ADR 0018)', () => {
  const h = new OutreachHarness();
  let campaignId: string;
  let n = 0;

  beforeAll(async () => {
    await h.start({ runner: { pollMs: 0 }, frequencyCaps: { sms: { max: 1, days: 30 } } });
    h.startHeartbeat();
    campaignId = await h.createCampaign(randomUUID(), await h.declareTemplate());
  });

  afterAll(async () => {
    await h.stop();
  });

  async function member(): Promise<string> {
    const ref = randomUUID();
    await h.grant(ref, phone(n++));
    return ref;
  }

  /** `count` members with SMS marketing consent, one after another (consent's order). */
  async function members(count: number): Promise<string[]> {
    const refs: string[] = [];
    for (let i = 0; i < count; i++) refs.push(await member());
    return refs;
  }

  /** A run over these members, planned by the real plan with the gate's clearance. */
  async function plannedRun(refs: string[]): Promise<string> {
    const runId = randomUUID();
    const segmentId = randomUUID();
    await h.ds.query(
      'INSERT INTO segment_members (segment_id, version, subject_ref) SELECT $1, 1, unnest($2::uuid[])',
      [segmentId, refs],
    );
    await h.ds.query(
      `INSERT INTO campaign_runs (id, campaign_id, segment_id, segment_version, state, started_by)
       VALUES ($1, $2, $3, 1, 'sending', 'test')`,
      [runId, campaignId, segmentId],
    );
    await h.ds.transaction((tx) =>
      h.app.get(SendRepository).plan(tx, {
        runId,
        campaignId,
        segmentId,
        segmentVersion: 1,
        purpose: 'marketing_messages',
        channel: 'sms',
        variants: 1,
        recurring: true,
        maxRecipients: null,
        parts: 1,
        clearance: h.app.get(SendGate).clearanceFor('marketing_messages', 'sms'),
      }),
    );
    return runId;
  }

  const clearedOf = async (runId: string): Promise<Map<string, boolean>> =>
    new Map(
      (
        await h.ds.query<{ subject_ref: string; cleared: boolean }[]>(
          'SELECT subject_ref, cleared FROM sends WHERE run_id = $1',
          [runId],
        )
      ).map((r) => [r.subject_ref, r.cleared]),
    );

  /** The gate over the whole run: each member's verdict (admitted or the refusal's reason). */
  async function verdicts(runId: string): Promise<Map<string, string>> {
    await h.watermark();
    const chunk = await h.ds.transaction((tx) =>
      h.app.get(SendGate).admitChunk(tx, h.transport, {
        runId,
        purpose: 'marketing_messages',
        channel: 'sms',
        limit: 100,
        quietHours: null,
      }),
    );
    expect(chunk.fresh).toBe(true);
    const refOf = new Map(
      (
        await h.ds.query<{ send_id: string; subject_ref: string }[]>(
          'SELECT send_id, subject_ref FROM sends WHERE run_id = $1',
          [runId],
        )
      ).map((r) => [r.send_id, r.subject_ref]),
    );
    return new Map([
      ...chunk.admitted.map((a) => [a.subjectRef, 'admitted'] as [string, string]),
      ...chunk.blocked.map((b) => [refOf.get(b.sendId)!, b.reason] as [string, string]),
    ]);
  }

  /** A change to the consent copy the way no writer makes it: without the change log's trigger. */
  async function withdrawUnlogged(ref: string): Promise<void> {
    await h.ds.transaction(async (tx) => {
      await tx.query('ALTER TABLE consent_projection DISABLE TRIGGER consent_projection_gate_change_update');
      await tx.query('UPDATE consent_projection SET granted = false WHERE subject_ref = $1', [ref]);
      await tx.query('ALTER TABLE consent_projection ENABLE TRIGGER consent_projection_gate_change_update');
    });
  }

  it('clears exactly the members whose consent, suppressions and cap pass; every refusal is still decided at dispatch, with its reason', async () => {
    const [ok, withdrawn, suppressed, capped] = await members(4);
    const stranger = randomUUID();
    // Consent without a contact point: cleared (the contact point is read at dispatch), refused there.
    const noContact = await member();
    await h.ds.query('DELETE FROM contact_points WHERE subject_ref = $1', [noContact]);
    await h.withdraw(withdrawn);
    await h.ds.transaction((tx) =>
      h.app
        .get(ConsentProjectionRepository)
        .recordSuppression(
          tx,
          suppressed,
          ['marketing_messages'],
          ['sms'],
          'vendor_blacklist',
          new Date().toISOString(),
        ),
    );
    await h.ds.query(
      `INSERT INTO sends (send_id, run_id, campaign_id, subject_ref, channel, purpose, state, dispatched_at)
       VALUES ($1, $2, $3, $4, 'sms', 'marketing_messages', 'delivered', now() - interval '1 day')`,
      [randomUUID(), await plannedRun([]), campaignId, capped],
    );
    const runId = await plannedRun([ok, withdrawn, suppressed, capped, stranger, noContact]);
    expect(Object.fromEntries(await clearedOf(runId))).toEqual({
      [ok]: true,
      [noContact]: true,
      [withdrawn]: false,
      [suppressed]: false,
      [capped]: false,
      [stranger]: false,
    });
    expect(Object.fromEntries(await verdicts(runId))).toEqual({
      [ok]: 'admitted',
      [noContact]: 'no_contact_point',
      [withdrawn]: 'consent_withdrawn',
      [suppressed]: 'suppressed',
      [capped]: 'frequency_cap',
      [stranger]: 'no_consent',
    });
  });

  it('re-checks at dispatch every member whose consent, suppressions or contact point changed after the plan', async () => {
    const [withdrawn, suppressed, moved, unchanged] = await members(4);
    const runId = await plannedRun([withdrawn, suppressed, moved, unchanged]);
    expect([...(await clearedOf(runId)).values()]).toEqual([true, true, true, true]);
    const projection = h.app.get(ConsentProjectionRepository);
    await h.ds.transaction(async (tx) => {
      // The projection alone (not the consumer, which would also block the planned sends): the gate
      // must find the change by itself.
      await projection.apply(tx, 'demo', withdrawn, ['marketing_messages'], ['sms'], false, 9_000_000 + n);
      await projection.recordSuppression(
        tx,
        suppressed,
        ['marketing_messages'],
        ['sms'],
        'hard_failure',
        new Date().toISOString(),
      );
      await tx.query("DELETE FROM contact_points WHERE subject_ref = $1 AND channel = 'sms'", [moved]);
    });
    expect(Object.fromEntries(await verdicts(runId))).toEqual({
      [withdrawn]: 'consent_withdrawn',
      [suppressed]: 'suppressed',
      [moved]: 'no_contact_point',
      [unchanged]: 'admitted',
    });
  });

  it('trusts the plan only through the change log: a change made without it passes a recent plan, and an hour-old plan is not trusted', async () => {
    // Shows the fast path is real (the consent row is not probed for a cleared member) and that the
    // log's trigger is what keeps it honest.
    const [a, b] = await members(2);
    const recent = await plannedRun([a]);
    await withdrawUnlogged(a);
    expect((await verdicts(recent)).get(a)).toBe('admitted');

    const old = await plannedRun([b]);
    await h.ds.query(
      "UPDATE campaign_runs SET planned_at = planned_at - interval '61 minutes' WHERE id = $1",
      [old],
    );
    await withdrawUnlogged(b);
    expect((await verdicts(old)).get(b)).toBe('consent_withdrawn');
  });

  it('does not trust a change committed while the plan was being made (its snapshot did not see it)', async () => {
    const ref = await member();
    const writer = h.ds.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    try {
      await h.app
        .get(ConsentProjectionRepository)
        .apply(writer.manager, 'demo', ref, ['marketing_messages'], ['sms'], false, 9_500_000 + n);
      const runId = await plannedRun([ref]);
      // The plan read the consent row as it was before the withdrawal: cleared.
      expect((await clearedOf(runId)).get(ref)).toBe(true);
      await writer.commitTransaction();
      expect((await verdicts(runId)).get(ref)).toBe('consent_withdrawn');
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      await writer.release();
    }
  });

  it('stops trusting caps once another run on the channel admitted anyone after the plan', async () => {
    const ref = await member();
    const first = await plannedRun([ref]);
    const second = await plannedRun([ref]);
    expect((await clearedOf(first)).get(ref)).toBe(true);
    expect((await verdicts(second)).get(ref)).toBe('admitted');
    // The cap is 1 per 30 days: the second run's send now counts against the first run's plan.
    expect((await verdicts(first)).get(ref)).toBe('frequency_cap');
  });

  it('keeps the change log one day', async () => {
    const fresh = randomUUID();
    const stale = randomUUID();
    await h.ds.query(
      "INSERT INTO gate_changes (subject_ref, at) VALUES ($1, now()), ($2, now() - interval '25 hours')",
      [fresh, stale],
    );
    expect(
      await h.app.get(ConsentProjectionRepository).pruneGateChanges(h.ds.manager),
    ).toBeGreaterThanOrEqual(1);
    const left = await h.ds.query<{ subject_ref: string }[]>(
      'SELECT subject_ref FROM gate_changes WHERE subject_ref = ANY ($1::uuid[])',
      [[fresh, stale]],
    );
    expect(left.map((r) => r.subject_ref)).toEqual([fresh]);
  });
});
