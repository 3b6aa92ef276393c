import { randomUUID } from 'node:crypto';
import { grant, openAudience, release, type FactSpec } from '../../test/audience-harness';
import { DirtyMembersRepository } from '../features/dirty-members.repository';

/**
 * The tag refresh writes by difference: each statement computes its rows, then writes only those
 * whose version, value or inputs differ from what is stored, and deletes the rows a member no
 * longer has. A row's xmin (the transaction that wrote it) shows whether it was written.
 */
describe('tag refresh writes only what changed', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  const labels = (zh: string, en: string) => ({ 'zh-CN': zh, en });
  const define = (d: Record<string, unknown>) => a.defineTag.execute(d, 'marketer-1');

  beforeAll(async () => {
    a = await openAudience('audrefreshdiff');
    await a.catalogue.execute({
      entries: [
        { skuPrefix: 'SPORT-', category: '运动' },
        { skuPrefix: 'CREAM-', category: '护肤' },
      ],
    });
    await define({
      key: 'sport_180',
      labels: labels('近180天运动订单', 'Sport orders, 180 days'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'order_count', windowDays: 180, category: '运动' },
    });
    await define({
      key: 'cream_365',
      labels: labels('近一年护肤订单', 'Skincare orders, 365 days'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'order_count', windowDays: 365, category: '护肤' },
    });
    await define({
      key: 'spend_365',
      labels: labels('近一年消费', 'Spend, last year'),
      category: 'spending_power',
      spendingPower: true,
      layer: 'fact',
      fact: { measure: 'monetary_cents', windowDays: 365 },
    });
    await define({
      key: 'sport_fan',
      labels: labels('运动达人', 'Sports fan'),
      category: 'purchase_preference',
      layer: 'model',
      model: { rule: { tag: 'sport_180', op: 'gte', value: 2 } },
    });
  });
  afterAll(() => a?.ds.destroy());

  async function member(facts: FactSpec[]): Promise<string> {
    const s = randomUUID();
    await a.deliver(grant(s));
    await a.deliver(release(s, facts));
    return s;
  }
  /** tag key (or 'features') → the transaction id that wrote the row. */
  const writers = async (s: string): Promise<Record<string, string>> =>
    Object.fromEntries(
      (
        await a.ds.query(
          `SELECT tag_key AS k, xmin::text AS x FROM member_tags WHERE subject_ref = $1
           UNION ALL SELECT 'features', xmin::text FROM member_features WHERE subject_ref = $1`,
          [s],
        )
      ).map((r: { k: string; x: string }) => [r.k, r.x]),
    );
  const markDirty = (...refs: string[]) =>
    a.ds.query(
      `INSERT INTO dirty_members (subject_ref, brand_id) SELECT unnest($1::uuid[]), 'demo' ON CONFLICT DO NOTHING`,
      [refs],
    );
  const values = async (s: string) =>
    Object.fromEntries(
      (await a.tags.tagsOf(a.ds.manager, s)).map((t) => [t.tagKey, t.valueText ?? t.valueNum]),
    );

  it('recomputing a member whose values did not change writes no row', async () => {
    const s = await member([
      { daysAgo: 5, amountCents: 3000, skus: ['SPORT-1'] },
      { daysAgo: 9, amountCents: 2000, skus: ['SPORT-2', 'CREAM-1'] },
    ]);
    await a.refresh.execute();
    const before = await writers(s);
    expect(Object.keys(before).sort()).toEqual([
      'cream_365',
      'features',
      'spend_365',
      'sport_180',
      'sport_fan',
    ]);
    await markDirty(s);
    expect(await a.refresh.execute()).toBe(1);
    expect(await writers(s)).toEqual(before);
  });

  it('a new order rewrites the tags and features it changes and leaves the others, and other members, untouched', async () => {
    const x = await member([{ daysAgo: 20, amountCents: 1000, skus: ['CREAM-1'] }]);
    const y = await member([{ daysAgo: 20, amountCents: 1000, skus: ['CREAM-1'] }]);
    await a.refresh.execute();
    const xBefore = await writers(x);
    const yBefore = await writers(y);
    expect(await values(x)).toEqual({ cream_365: 1, spend_365: 1000 });

    await a.deliver(release(x, [{ daysAgo: 1, amountCents: 500, skus: ['SPORT-1'] }]));
    await markDirty(y);
    expect(await a.refresh.execute()).toBe(2);
    const xAfter = await writers(x);
    expect(await values(x)).toEqual({ cream_365: 1, spend_365: 1500, sport_180: 1 });
    expect(xAfter.cream_365).toBe(xBefore.cream_365);
    expect(xAfter.spend_365).not.toBe(xBefore.spend_365);
    expect(xAfter.features).not.toBe(xBefore.features);
    expect(await writers(y)).toEqual(yBefore);
  });

  it('a member who no longer meets a model rule loses that tag in the refresh; a new definition version rewrites only its own rows', async () => {
    const s = await member([
      { daysAgo: 3, amountCents: 1000, skus: ['SPORT-1'] },
      { daysAgo: 4, amountCents: 1000, skus: ['SPORT-2'] },
    ]);
    await a.refresh.execute();
    expect((await values(s)).sport_fan).toBe(1);
    const before = await writers(s);

    // A stricter version of 运动达人: every member is recomputed (a full rebuild).
    await define({
      key: 'sport_fan',
      labels: labels('运动达人', 'Sports fan'),
      category: 'purchase_preference',
      layer: 'model',
      model: { rule: { tag: 'sport_180', op: 'gte', value: 3 } },
    });
    await a.refresh.execute();
    const after = await writers(s);
    expect(await values(s)).toEqual({ sport_180: 2, spend_365: 2000 });
    expect(after).toEqual({
      sport_180: before.sport_180,
      spend_365: before.spend_365,
      features: before.features,
    });

    // A third order meets the new rule: the tag comes back, at the new version.
    await a.deliver(release(s, [{ daysAgo: 1, amountCents: 1000, skus: ['SPORT-3'] }]));
    await a.refresh.execute();
    const [fan] = (await a.tags.tagsOf(a.ds.manager, s)).filter((t) => t.tagKey === 'sport_fan');
    expect(fan).toMatchObject({ tagVersion: 2, valueNum: 1 });
  });

  it('a member who withdrew personalisation keeps no tag or feature after the refresh (R11)', async () => {
    const s = await member([{ daysAgo: 2, amountCents: 1000, skus: ['SPORT-1'] }]);
    await a.refresh.execute();
    expect(Object.keys(await writers(s)).length).toBeGreaterThan(0);
    // The member row's copy of its consents loses personalisation (what the consumer keeps in step).
    await a.ds.query(
      `UPDATE members SET grants = array_remove(grants, 'personalisation:sms') WHERE subject_ref = $1`,
      [s],
    );
    await markDirty(s);
    await a.refresh.execute();
    expect(await writers(s)).toEqual({});
  });

  const rowOf = async (s: string, key: string) =>
    (await a.tags.tagsOf(a.ds.manager, s)).find((t) => t.tagKey === key)!;

  it('a model tag whose value stays the same is rewritten when a tag value under it changes, so its lineage shows the new value', async () => {
    const s = await member([
      { daysAgo: 3, amountCents: 1000, skus: ['SPORT-1'] },
      { daysAgo: 4, amountCents: 1000, skus: ['SPORT-2'] },
      { daysAgo: 5, amountCents: 1000, skus: ['SPORT-3'] },
    ]);
    await a.refresh.execute();
    const before = await rowOf(s, 'sport_fan');
    expect(before.inputs.tags).toMatchObject({ sport_180: { value: 3 } });

    await a.deliver(release(s, [{ daysAgo: 1, amountCents: 1000, skus: ['SPORT-4'] }]));
    await a.refresh.execute();
    const after = await rowOf(s, 'sport_fan');
    expect(after.valueNum).toBe(before.valueNum);
    expect(after.inputs.tags).toMatchObject({ sport_180: { value: 4 } });
    // Re-marking the member without a change writes nothing: the digest matches what is stored.
    const written = await writers(s);
    await markDirty(s);
    await a.refresh.execute();
    expect(await writers(s)).toEqual(written);
  });

  it('a fact tag whose value stays the same is rewritten when the orders behind it change, so its lineage lists the new order and release', async () => {
    await define({
      key: 'last_order_days',
      labels: labels('距上次下单天数', 'Days since last order'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'recency_days' },
    });
    const s = await member([{ daysAgo: 2, amountCents: 1000, skus: ['CREAM-1'] }]);
    await a.refresh.execute();
    const before = await rowOf(s, 'last_order_days');
    expect(before.inputs.orderRefs).toHaveLength(1);

    // An older order: the days since the last order stay 2, the orders behind the tag are two.
    const older = release(s, [{ daysAgo: 40, amountCents: 1000, skus: ['CREAM-2'] }]);
    await a.deliver(older);
    await a.refresh.execute();
    const after = await rowOf(s, 'last_order_days');
    expect(after.valueNum).toBe(before.valueNum);
    expect(after.inputs.orders).toBe(2);
    expect(after.inputs.orderRefs).toEqual([
      ...(before.inputs.orderRefs as string[]),
      older.facts[0].orderRef,
    ]);
    expect(after.inputs.releaseIds).toContain(older.releaseId);
  });

  const marks = async (...refs: string[]) =>
    (
      await a.ds.query('SELECT subject_ref FROM dirty_members WHERE subject_ref = ANY($1::uuid[])', [refs])
    ).map((r: { subject_ref: string }) => r.subject_ref);

  it('a mark left by a member who has gone is dropped and does not stop the refresh of members marked after it', async () => {
    const s = await member([{ daysAgo: 2, amountCents: 1000, skus: ['CREAM-1'] }]);
    await a.refresh.execute();
    const gone = randomUUID();
    await a.ds.query(
      `INSERT INTO dirty_members (subject_ref, brand_id, marked_at) VALUES ($1, 'demo', now() - interval '1 hour')`,
      [gone],
    );
    await markDirty(s);
    // Batches of one: the first claim finds only the gone member's mark.
    expect(await a.refresh.execute(1)).toBe(1);
    expect(await marks(gone, s)).toEqual([]);
  });

  it('a member whose row another transaction holds keeps its mark for the next refresh', async () => {
    const s = await member([{ daysAgo: 2, amountCents: 1000, skus: ['CREAM-1'] }]);
    await a.refresh.execute();
    await markDirty(s);
    const other = a.ds.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      await other.query('SELECT 1 FROM members WHERE subject_ref = $1 FOR UPDATE', [s]);
      expect(await a.refresh.execute()).toBe(0);
      expect(await marks(s)).toEqual([s]);
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
    expect(await a.refresh.execute()).toBe(1);
    expect(await marks(s)).toEqual([]);
  });

  it('batches claimed at the same time take different members, and workers side by side compute each marked member once', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 6; i++)
      refs.push(await member([{ daysAgo: 3 + i, amountCents: 1000 * (i + 1), skus: ['SPORT-1'] }]));
    await a.refresh.execute();
    await markDirty(...refs);
    // Two claims in two open transactions: the second takes the marks the first does not hold.
    const dirty = new DirtyMembersRepository();
    const runners = [a.ds.createQueryRunner(), a.ds.createQueryRunner()];
    const claimed: string[][] = [];
    try {
      for (const r of runners) {
        await r.connect();
        await r.startTransaction();
        claimed.push((await dirty.claim(r.manager, 'demo', 3)).batch.filter((x) => refs.includes(x)));
      }
      expect(claimed.map((c) => c.length)).toEqual([3, 3]);
      expect(new Set([...claimed[0], ...claimed[1]])).toEqual(new Set(refs));
    } finally {
      for (const r of runners) {
        if (r.isTransactionActive) await r.rollbackTransaction();
        await r.release();
      }
    }
    // Rolled back: still marked. Three workers in batches of two: every member computed once.
    expect((await marks(...refs)).sort()).toEqual([...refs].sort());
    const logged = async (): Promise<number> =>
      (
        await a.ds.query(
          'SELECT count(*)::int AS n FROM member_changes WHERE subject_ref = ANY($1::uuid[])',
          [refs],
        )
      )[0].n;
    const before = await logged();
    expect(await a.refresh.execute(2, 3)).toBe(refs.length);
    expect(await logged()).toBe(before + refs.length);
    expect(await marks(...refs)).toEqual([]);
  });
});
