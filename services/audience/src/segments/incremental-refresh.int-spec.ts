import { randomUUID } from 'node:crypto';
import type { Channel, Purpose, TagCategory } from '@siyu/contracts';
import {
  categoriesChanged,
  grant,
  openAudience,
  release,
  revoke,
  withdrawal,
  type FactSpec,
} from '../../test/audience-harness';
import { waitFor } from '@siyu/testing';
import { MemberChangesRepository } from '../features/member-changes.repository';
import type { Rule } from '../rule-language/rule';
import { DEFAULT_SEGMENT_REFRESH_WORKERS, RefreshSegments } from './refresh-segments.use-case';

/** A small deterministic PRNG (mulberry32): a failing seed reproduces exactly. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof prng>;

const SKUS = ['SPORT-SHOE', 'SPORT-BALL', 'CREAM-50-A', 'CREAM-20', 'MED-1', 'FOOD-1'];
const CATEGORIES: TagCategory[] = ['purchase_preference', 'active_hours', 'spending_power', 'prediction'];
const PLATFORMS = ['tmall', 'jd', 'douyin'] as const;

const SEGMENTS: { name: string; channel: Channel; rule: Rule | null }[] = [
  { name: 'broadcast sms', channel: 'sms', rule: null },
  {
    name: 'rfm buckets',
    channel: 'sms',
    rule: { tag: 'rfm', op: 'in', value: ['R5F1M1', 'R5F2M2', 'R4F1M2', 'R3F1M1'] },
  },
  { name: 'big spenders', channel: 'sms', rule: { tag: 'spend_365', op: 'gte', value: 30000 } },
  {
    name: 'sport twice in 180 days',
    channel: 'sms',
    rule: { bought: { category: '运动', withinDays: 180, atLeast: 2 } },
  },
  {
    name: 'three levels on wechat',
    channel: 'wechat',
    rule: {
      and: [
        { or: [{ tag: 'sport_fan' }, { bought: { category: '护肤', withinDays: 365 } }] },
        { not: { and: [{ noOrderWithinDays: 60 }, { tag: 'top_cat', op: 'eq', value: '食品' }] } },
      ],
    },
  },
  {
    name: 'top category and feature',
    channel: 'sms',
    rule: {
      and: [
        { tag: 'top_cat', op: 'eq', value: '运动' },
        { feature: 'orders_total', op: 'gte', value: 2 },
      ],
    },
  },
  // A new order makes a member leave this one: leaving through the refresh, not through a deletion.
  { name: 'lapsed 60 days', channel: 'sms', rule: { noOrderWithinDays: 60 } },
  { name: 'health buyers (sensitive)', channel: 'sms', rule: { tag: 'health_buyer', op: 'gte', value: 1 } },
  {
    name: 'night owls on sms and wechat',
    channel: 'sms',
    rule: { and: [{ tag: 'night_owl' }, { consent: { channel: 'wechat' } }] },
  },
];

describe('incremental refresh: the members logged as changed are re-evaluated, and the result equals a whole evaluation', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  const define = (d: Record<string, unknown>) => a.defineTag.execute(d, 'marketer-1');
  const labels = (zh: string, en: string) => ({ 'zh-CN': zh, en });

  beforeAll(async () => {
    a = await openAudience('audincr');
    await a.catalogue.execute({
      entries: [
        { skuPrefix: 'SPORT-', category: '运动' },
        { skuPrefix: 'CREAM-', category: '护肤' },
        { skuPrefix: 'FOOD-', category: '食品' },
        { skuPrefix: 'MED-', category: '保健', sensitive: true },
      ],
    });
    const fact = (key: string, category: string, f: Record<string, unknown>, extra = {}) =>
      define({ key, labels: labels(key, key), category, layer: 'fact', fact: f, ...extra });
    await fact('recency', 'purchase_preference', { measure: 'recency_days' });
    await fact('sport_180', 'purchase_preference', {
      measure: 'order_count',
      windowDays: 180,
      category: '运动',
    });
    await fact('cream50', 'purchase_preference', { measure: 'order_count', skuPrefix: 'CREAM-50' });
    await fact(
      'spend_365',
      'spending_power',
      { measure: 'monetary_cents', windowDays: 365 },
      { spendingPower: true },
    );
    await fact('top_cat', 'purchase_preference', { measure: 'top_category' });
    await fact('top_cat_90', 'purchase_preference', { measure: 'top_category', windowDays: 90 });
    await fact('top_platform', 'purchase_preference', { measure: 'top_platform', windowDays: 365 });
    await fact('night_share', 'active_hours', { measure: 'hour_share', fromHour: 22, toHour: 2 });
    await fact('band', 'active_hours', { measure: 'hour_band' });
    await fact('rfm', 'spending_power', { measure: 'rfm' }, { spendingPower: true });
    await fact(
      'health_buyer',
      'purchase_preference',
      { measure: 'order_count', category: '保健' },
      { sensitive: true },
    );
    await define({
      key: 'sport_fan',
      labels: labels('运动达人', 'Sports fan'),
      category: 'purchase_preference',
      layer: 'model',
      model: { rule: { tag: 'sport_180', op: 'gte', value: 2 } },
    });
    await define({
      key: 'night_owl',
      labels: labels('夜猫子', 'Night owl'),
      category: 'active_hours',
      layer: 'model',
      model: { rule: { tag: 'night_share', op: 'gte', value: 0.6 } },
    });
  });
  afterAll(() => a?.ds.destroy());

  // Orders at least an hour away from now's time of day: "days ago" cannot tick over between the
  // incremental and the whole computation compared below.
  const hourCn = () => (new Date().getUTCHours() + 8) % 24;
  const facts = (r: Random, n: number, recent = false): FactSpec[] =>
    Array.from({ length: n }, () => ({
      daysAgo: recent ? r.int(0, 30) : r.int(0, 500),
      amountCents: r.int(500, 60000),
      skus: Array.from({ length: r.int(1, 2) }, () => r.pick(SKUS)),
      hour: (hourCn() + r.int(2, 22)) % 24,
      ...(r.chance(0.7) ? { platform: r.pick(PLATFORMS) } : {}),
    }));

  // Preference changes apply newest first: each one later than the last.
  let tick = 0;
  const later = () => new Date(Date.now() + ++tick);

  interface Sim {
    s: string;
    releases: string[];
  }

  async function join(r: Random): Promise<Sim> {
    const s = randomUUID();
    const purposes: Purpose[] = ['marketing_messages', 'purchase_history'];
    if (r.chance(0.8)) purposes.push('personalisation');
    if (r.chance(0.3)) purposes.push('sensitive_profiling');
    const channels: Channel[] = r.chance(0.5) ? ['sms', 'wechat'] : [r.pick(['sms', 'wechat'] as const)];
    await a.deliver(grant(s, purposes, channels));
    const sim: Sim = { s, releases: [] };
    if (r.chance(0.85)) await releaseFor(r, sim);
    if (r.chance(0.15)) await a.deliver(categoriesChanged(s, [r.pick(CATEGORIES)], later()));
    return sim;
  }

  async function releaseFor(r: Random, sim: Sim, recent = false): Promise<void> {
    const id = randomUUID();
    await a.deliver(release(sim.s, facts(r, r.int(1, 4), recent), id));
    sim.releases.push(id);
  }

  /** One random change to a member's facts, consents or opt-outs, as the events deliver them. */
  async function change(r: Random, sim: Sim): Promise<void> {
    const kind = r.int(0, 7);
    if (kind <= 1) await releaseFor(r, sim, r.chance(0.5));
    else if (kind === 2 && sim.releases.length > 0)
      await a.deliver(revoke(sim.s, sim.releases.splice(r.int(0, sim.releases.length - 1), 1)[0]));
    else if (kind === 3) await a.deliver(withdrawal(sim.s, ['personalisation'], ['sms', 'wechat']));
    else if (kind === 4)
      await a.deliver(withdrawal(sim.s, ['marketing_messages'], [r.pick(['sms', 'wechat'] as const)]));
    else if (kind === 5)
      await a.deliver(
        grant(sim.s, ['marketing_messages', 'purchase_history', 'personalisation'], ['sms', 'wechat']),
      );
    else if (kind === 6)
      await a.deliver(
        categoriesChanged(
          sim.s,
          CATEGORIES.filter(() => r.chance(0.3)),
          later(),
        ),
      );
    else await a.deliver(withdrawal(sim.s, ['sensitive_profiling'], ['sms', 'wechat']));
  }

  /** Creates and materialises each segment (marketing messages), named by `name`; answers their ids. */
  async function materialized(segments: typeof SEGMENTS, name: (sg: (typeof SEGMENTS)[number]) => string) {
    const ids: string[] = [];
    for (const sg of segments) {
      const { id } = await a.createSegment.execute(
        { name: name(sg), purpose: 'marketing_messages', channel: sg.channel, rule: sg.rule ?? undefined },
        'marketer-1',
      );
      await a.materialize.execute(id, 'marketer-1');
      ids.push(id);
    }
    return ids;
  }

  /** Every member the segment's compiled query selects now: a whole evaluation, as materialisation runs it. */
  async function wholeEvaluation(id: string): Promise<string[]> {
    const segment = (await a.segments.find(a.ds.manager, 'demo', id))!;
    const q = await a.compiler.compile(a.ds.manager, segment);
    const rows: { subject_ref: string }[] = await a.ds.query(
      `SELECT m.subject_ref ${q.fromWhere} ORDER BY m.subject_ref`,
      q.params.values,
    );
    return rows.map((x) => x.subject_ref);
  }

  /** Tags and features as stored, without their computation time. */
  async function profiles(): Promise<unknown[]> {
    return a.ds.query(
      `SELECT subject_ref, tag_key, tag_version, category, value_num, value_text, inputs FROM member_tags
        UNION ALL
       SELECT f.subject_ref, 'features', 0, '', NULL, NULL,
              to_jsonb(f) - 'computed_at' - 'release_ids' || jsonb_build_object('releases', (SELECT jsonb_agg(r ORDER BY r) FROM unnest(f.release_ids) r))
         FROM member_features f
        ORDER BY 1, 2`,
    );
  }

  it.each([
    [11, 'row'],
    [23, 'row'],
    [47, 'row'],
    [11, 'set'],
    [23, 'set'],
  ] as const)(
    'randomised members, facts and changes (seed %i, changed members evaluated in the %s form): every refreshed version equals a whole evaluation, and the tags equal a full rebuild',
    async (seed, form) => {
      const r = prng(seed);
      // The set form is what a refresh uses from segmentSetFormFrom changed members on.
      const refreshSegments =
        form === 'row'
          ? a.refreshSegments
          : new RefreshSegments(
              a.ds,
              { ...a.options, segmentSetFormFrom: 0 },
              a.segments,
              a.compiler,
              a.messaging,
              new MemberChangesRepository(),
            );
      const sims: Sim[] = [];
      for (let i = 0; i < 40; i++) sims.push(await join(r));
      await a.refresh.execute();
      const ids = await materialized(SEGMENTS, (sg) => `${sg.name} ${seed}`);

      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 15; i++) await change(r, r.pick(sims));
        for (let i = 0; i < 3; i++) sims.push(await join(r));
        await a.refresh.execute();
        const results = await refreshSegments.execute();
        for (const id of ids) {
          const result = results.find((x) => x.segmentId === id);
          // The path under test: only the logged members were evaluated.
          expect(result?.evaluated).toMatch(/^(incremental|nothing-changed)$/);
          const [latest] = await a.preview.versions(id);
          const whole = await wholeEvaluation(id);
          // A version made by this refresh records its size, counted in the statement that wrote
          // the difference (an older version's recorded size predates withdrawals that deleted
          // members from it since: R10 does not wait for a refresh).
          expect({
            seed,
            round,
            id,
            members: await a.segments.membersOf(a.ds.manager, id, latest.version),
            size: result?.version ? result.version.size : 'no new version',
          }).toEqual({
            seed,
            round,
            id,
            members: whole,
            size: result?.version ? whole.length : 'no new version',
          });
        }
      }

      // The incremental path did real work: members joined and left through it.
      let joined = 0;
      let left = 0;
      for (const id of ids)
        for (const v of await a.preview.versions(id))
          if (v.kind === 'incremental') {
            joined += v.joined;
            left += v.left;
          }
      expect(joined).toBeGreaterThan(0);
      expect(left).toBeGreaterThan(0);

      // The same tags and features as a full rebuild of every member computes.
      const incremental = await profiles();
      expect(incremental.length).toBeGreaterThan(0);
      await a.refresh.rebuild();
      expect(await profiles()).toEqual(incremental);
    },
  );

  it('a member data change waits while a group of segments is being refreshed, and goes through once the group committed', async () => {
    const s = randomUUID();
    await a.deliver(grant(s, ['marketing_messages', 'purchase_history'], ['sms']));
    for (const name of ['waiting broadcast 1', 'waiting broadcast 2']) {
      const { id } = await a.createSegment.execute(
        { name, purpose: 'marketing_messages', channel: 'sms' },
        'marketer-1',
      );
      await a.materialize.execute(id, 'marketer-1');
    }
    const [first] = await a.segments.autoRefreshed(a.ds.manager, 'demo');
    // Another transaction holds the first segment's row: the refresh's first group stays busy,
    // holding the brand's evaluation lock, until it lets go.
    const blocker = a.ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('SELECT 1 FROM segments WHERE id = $1 FOR UPDATE', [first]);
    const refreshing = a.refreshSegments.execute();
    await waitFor(
      async () =>
        (
          await a.ds.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
            ['%FROM segments WHERE id = $1 AND brand_id = $2 FOR UPDATE'],
          )
        )[0].n > 0,
      'the refresh waiting for the segment row',
    );
    let withdrawn = false;
    const withdrawing = a
      .deliver(withdrawal(s, ['marketing_messages'], ['sms']))
      .then(() => (withdrawn = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(withdrawn).toBe(false);
    await blocker.rollbackTransaction();
    await blocker.release();
    await Promise.all([refreshing, withdrawing]);
    expect(withdrawn).toBe(true);
  });

  it('events delivered while segments refresh two at a time wait for the group being refreshed: a member withdrawn meanwhile is in no version, and the next pass equals a whole evaluation', async () => {
    expect(a.options.segmentRefreshWorkers ?? DEFAULT_SEGMENT_REFRESH_WORKERS).toBe(2);
    const r = prng(71);
    const sims: Sim[] = [];
    for (let i = 0; i < 30; i++) sims.push(await join(r));
    await a.refresh.execute();
    const ids = await materialized(SEGMENTS, (sg) => `racing ${sg.name}`);
    for (let i = 0; i < 15; i++) await change(r, r.pick(sims));
    await a.refresh.execute();

    // The refresh of every segment and a stream of events, at once; the last event withdraws a member
    // who is in segments now.
    const current = new Set<string>();
    for (const id of ids) {
      const [latest] = await a.preview.versions(id);
      for (const m of await a.segments.membersOf(a.ds.manager, id, latest.version)) current.add(m);
    }
    const withdrawn = sims.find((x) => current.has(x.s))!.s;
    const [results] = await Promise.all([
      a.refreshSegments.execute(),
      (async () => {
        for (let i = 0; i < 15; i++) await change(r, r.pick(sims.filter((x) => x.s !== withdrawn)));
        await a.deliver(withdrawal(withdrawn, ['marketing_messages'], ['sms', 'wechat']));
      })(),
    ]);
    for (const id of ids) expect(results.find((x) => x.segmentId === id)?.evaluated).toBe('incremental');
    for (const id of ids)
      for (const v of await a.preview.versions(id))
        expect(await a.segments.membersOf(a.ds.manager, id, v.version)).not.toContain(withdrawn);

    await a.refresh.execute();
    await a.refreshSegments.execute();
    for (const id of ids) {
      const [latest] = await a.preview.versions(id);
      expect({ id, members: await a.segments.membersOf(a.ds.manager, id, latest.version) }).toEqual({
        id,
        members: await wholeEvaluation(id),
      });
    }
  });

  it('a member who withdraws marketing consent is out of every segment at once and stays out after the next incremental pass, with no event naming them', async () => {
    const s = randomUUID();
    await a.deliver(
      grant(s, ['marketing_messages', 'purchase_history', 'personalisation'], ['sms', 'wechat']),
    );
    await a.deliver(
      release(s, [
        { daysAgo: 3, amountCents: 90000, skus: ['SPORT-SHOE'], hour: 23 },
        { daysAgo: 20, amountCents: 50000, skus: ['SPORT-BALL', 'CREAM-50-A'], hour: 1 },
        { daysAgo: 40, amountCents: 20000, skus: ['SPORT-SHOE'], hour: 0 },
      ]),
    );
    await a.refresh.execute();
    const ids = await materialized(
      SEGMENTS.filter((x) => x.name !== 'health buyers (sensitive)'),
      (sg) => `withdrawal ${sg.name}`,
    );
    const inVersion1 = [];
    for (const id of ids)
      if ((await a.segments.membersOf(a.ds.manager, id, 1)).includes(s)) inVersion1.push(id);
    expect(inVersion1.length).toBeGreaterThanOrEqual(5);
    const eventsBefore = (await a.ds.query('SELECT max(id) AS n FROM outbox'))[0].n;

    await a.deliver(withdrawal(s, ['marketing_messages'], ['sms', 'wechat']));
    // Another member's change makes the next pass incremental with something to do.
    const other = randomUUID();
    await a.deliver(
      grant(other, ['marketing_messages', 'purchase_history', 'personalisation'], ['sms', 'wechat']),
    );
    await a.deliver(release(other, [{ daysAgo: 2, amountCents: 90000, skus: ['SPORT-SHOE'] }]));
    await a.refresh.execute();
    const results = await a.refreshSegments.execute();

    for (const id of ids) {
      expect(results.find((x) => x.segmentId === id)?.evaluated).toBe('incremental');
      const versions = await a.preview.versions(id);
      for (const v of versions)
        expect(await a.segments.membersOf(a.ds.manager, id, v.version)).not.toContain(s);
      expect(await a.segments.membersOf(a.ds.manager, id, versions[0].version)).toEqual(
        await wholeEvaluation(id),
      );
    }
    const events: { payload: string }[] = await a.ds.query('SELECT payload FROM outbox WHERE id > $1', [
      eventsBefore,
    ]);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e.payload).not.toContain(s);
  });
});
