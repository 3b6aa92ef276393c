import { randomUUID } from 'node:crypto';
import { grant, openAudience, release, revoke, withdrawal, type FactSpec } from '../../test/audience-harness';
import type { Rule } from '../rule-language/rule';

describe('materialised segments refresh themselves, keep every version, and lose a withdrawn member at once', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  beforeAll(async () => {
    a = await openAudience('audrefresh');
    await a.defineTag.execute(
      {
        key: 'spend_365',
        labels: { 'zh-CN': '近一年消费', en: 'Spend, last year' },
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'monetary_cents', windowDays: 365 },
      },
      'marketer-1',
    );
  });
  afterAll(() => a?.ds.destroy());

  async function member(facts: FactSpec[], channels: ('sms' | 'wechat')[] = ['sms']) {
    const s = randomUUID();
    await a.deliver(grant(s, undefined, channels));
    const releaseId = randomUUID();
    if (facts.length) await a.deliver(release(s, facts, releaseId));
    return { s, releaseId };
  }
  const segment = async (rule: Rule) =>
    (
      await a.createSegment.execute(
        { name: 'refreshing', purpose: 'marketing_messages', channel: 'sms', rule },
        'marketer-1',
      )
    ).id;
  const members = (id: string, version: number) => a.segments.membersOf(a.ds.manager, id, version);
  const refreshOf = async (id: string, now?: Date) =>
    (await a.refreshSegments.execute(now)).find((r) => r.segmentId === id);
  const bigSpend = { tag: 'spend_365', op: 'gte', value: 50000 } as const;

  it('a member who newly matches joins a new version at the next refresh; the pinned earlier version is unchanged', async () => {
    const rich = await member([{ daysAgo: 3, amountCents: 90000 }]);
    const later = await member([{ daysAgo: 3, amountCents: 100 }]);
    await a.refresh.execute();
    const id = await segment(bigSpend);
    expect((await a.materialize.execute(id, 'marketer-1')).version).toBe(1);
    expect(await members(id, 1)).toContain(rich.s);
    expect(await members(id, 1)).not.toContain(later.s);

    await a.deliver(release(later.s, [{ daysAgo: 1, amountCents: 80000 }]));
    // Before the member's tags are recomputed nothing is logged, so nothing changes.
    expect((await refreshOf(id))?.evaluated).toBe('nothing-changed');
    await a.refresh.execute();
    const r = await refreshOf(id);

    expect(r).toMatchObject({ evaluated: 'incremental', version: { version: 2, joined: 1, left: 0 } });
    expect(await members(id, 2)).toEqual(expect.arrayContaining([rich.s, later.s]));
    expect(await members(id, 1)).not.toContain(later.s);
    expect(r!.version!.size).toBe((await a.preview.saved(id)).count);
    const versions = await a.preview.versions(id);
    expect(versions.map((v) => [v.version, v.kind, v.createdBy])).toEqual([
      [2, 'incremental', 'auto-refresh'],
      [1, 'full', 'marketer-1'],
    ]);
    // The incremental version is published as its change only: who joined, who left, from which version.
    const events = await a.ds.query(
      `SELECT topic, payload FROM outbox WHERE payload::jsonb->>'segmentId' = $1 AND (payload::jsonb->>'version')::int = 2`,
      [id],
    );
    expect(events.map((e: { topic: string }) => e.topic)).toEqual(['audience.segment-version-changed.v1']);
    expect(JSON.parse(events[0].payload)).toMatchObject({
      previousVersion: 1,
      size: r!.version!.size,
      joined: [later.s],
      left: [],
      part: 0,
      parts: 1,
    });
  });

  it('a whole evaluation after incremental versions hands the latest membership over whole once, even if nothing changed', async () => {
    const rich = await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    const id = await segment(bigSpend);
    await a.materialize.execute(id);
    const later = await member([{ daysAgo: 1, amountCents: 80000 }]);
    await a.refresh.execute();
    expect(await refreshOf(id)).toMatchObject({
      evaluated: 'incremental',
      version: { version: 2, joined: 1 },
    });

    const hourLater = new Date(Date.now() + 2 * 3_600_000);
    expect(await refreshOf(id, hourLater)).toMatchObject({
      evaluated: 'full',
      version: { version: 3, kind: 'full', joined: 0, left: 0 },
    });
    const [whole] = await a.ds.query(
      `SELECT payload FROM outbox WHERE topic = 'audience.segment-materialized.v1'
          AND payload::jsonb->>'segmentId' = $1 AND (payload::jsonb->>'version')::int = 3`,
      [id],
    );
    expect(JSON.parse(whole.payload).subjectRefs).toEqual(expect.arrayContaining([rich.s, later.s]));
    // Handed over whole now: the next whole evaluation with no change makes no version.
    expect(await refreshOf(id, new Date(Date.now() + 4 * 3_600_000))).toMatchObject({
      evaluated: 'full',
      version: null,
    });
  });

  it('no change since the last version: no new version and no event', async () => {
    await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    const id = await segment(bigSpend);
    await a.materialize.execute(id);
    const events = async () =>
      (
        await a.ds.query(
          `SELECT count(*)::int AS n FROM outbox WHERE topic = 'audience.segment-materialized.v1' AND payload::jsonb->>'segmentId' = $1`,
          [id],
        )
      )[0].n;
    const before = await events();
    const unrelated = await member([{ daysAgo: 3, amountCents: 100 }]);
    await a.refresh.execute();
    expect(await refreshOf(id)).toMatchObject({ evaluated: 'incremental', version: null });
    expect(await events()).toBe(before);
    expect((await a.preview.versions(id)).map((v) => v.version)).toEqual([1]);
    expect(await members(id, 1)).not.toContain(unrelated.s);
  });

  it('a member who no longer matches leaves at the next refresh and stays in the earlier version', async () => {
    // Selects members who also allowed WeChat; withdrawing WeChat does not touch the SMS segment's
    // memberships directly, so leaving is the refresh's work.
    const s = await member([{ daysAgo: 3, amountCents: 90000 }], ['sms', 'wechat']);
    await a.refresh.execute();
    const id = await segment({ and: [bigSpend, { consent: { channel: 'wechat' } }] });
    await a.materialize.execute(id);
    expect(await members(id, 1)).toContain(s.s);
    await a.deliver(withdrawal(s.s, ['marketing_messages'], ['wechat']));
    await a.refresh.execute();
    expect(await refreshOf(id)).toMatchObject({ evaluated: 'incremental', version: { version: 2, left: 1 } });
    expect(await members(id, 2)).not.toContain(s.s);
    expect(await members(id, 1)).toContain(s.s);
  });

  it('withdrawing consent for the segment channel removes the member from every version at once, before any refresh', async () => {
    const s = await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    const id = await segment(bigSpend);
    await a.materialize.execute(id);
    await a.materialize.execute(id);
    expect(await members(id, 1)).toContain(s.s);
    // marketing_messages on SMS withdrawn; purchase history and personalisation stay.
    await a.deliver(withdrawal(s.s, ['marketing_messages'], ['sms']));
    expect(await members(id, 1)).not.toContain(s.s);
    expect(await members(id, 2)).not.toContain(s.s);
    const rows = await a.ds.query(
      'SELECT 1 FROM segment_members WHERE segment_id = $1 AND subject_ref = $2',
      [id, s.s],
    );
    expect(rows).toEqual([]);
  });

  it('a revoked release takes the member out of every version in its own transaction (R10)', async () => {
    const s = await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    const id = await segment(bigSpend);
    await a.materialize.execute(id);
    await a.deliver(revoke(s.s, s.releaseId));
    expect(await members(id, 1)).not.toContain(s.s);
  });

  it('evaluates whole when the last whole evaluation is older than the full-refresh period (time windows move)', async () => {
    await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    const id = await segment(bigSpend);
    const { size } = await a.materialize.execute(id);
    const r = await refreshOf(id, new Date(Date.now() + 2 * 3_600_000));
    expect(r).toMatchObject({ evaluated: 'full', version: null });
    expect((await a.preview.saved(id)).count).toBe(size);
  });

  it('a segment created with autoRefresh false is refreshed only on request', async () => {
    const id = (
      await a.createSegment.execute(
        { name: 'manual', purpose: 'marketing_messages', channel: 'sms', rule: bigSpend, autoRefresh: false },
        'marketer-1',
      )
    ).id;
    await a.materialize.execute(id);
    await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    expect(await refreshOf(id)).toBeUndefined();
    expect((await a.preview.versions(id)).map((v) => v.version)).toEqual([1]);
  });
});
