import { randomUUID } from 'node:crypto';
import {
  categoriesChanged,
  grant,
  openAudience,
  release,
  withdrawal,
  type FactSpec,
} from '../../test/audience-harness';
import type { Rule } from '../rule-language/rule';
import { buildSegmentQuery } from './segment-query';
import { SegmentError } from './segments.errors';

describe('segments: one parameterised query with implicit consent and opt-out guards', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  const labels = (zh: string, en: string) => ({ 'zh-CN': zh, en });
  beforeAll(async () => {
    a = await openAudience('audseg');
    await a.catalogue.execute({
      entries: [
        { skuPrefix: 'SPORT-', category: '运动' },
        { skuPrefix: 'MED-', category: '保健', sensitive: true },
      ],
    });
    for (const d of [
      {
        key: 'spend_365',
        labels: labels('近一年消费', 'Spend, last year'),
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'monetary_cents', windowDays: 365 },
      },
      {
        key: 'orders_365',
        labels: labels('近一年订单', 'Orders, last year'),
        category: 'purchase_preference',
        layer: 'fact',
        fact: { measure: 'order_count', windowDays: 365 },
      },
      {
        key: 'top_cat',
        labels: labels('最常购品类', 'Top category'),
        category: 'purchase_preference',
        layer: 'fact',
        fact: { measure: 'top_category' },
      },
      {
        key: 'big_spender',
        labels: labels('高消费', 'Big spender'),
        category: 'lifecycle',
        spendingPower: true,
        layer: 'model',
        model: { rule: { tag: 'spend_365', op: 'gte', value: 50000 } },
      },
    ])
      await a.defineTag.execute(d, 'marketer-1');
  });
  afterAll(() => a?.ds.destroy());

  async function member(
    facts: FactSpec[],
    purposes?: Parameters<typeof grant>[1],
    channels?: Parameters<typeof grant>[2],
  ) {
    const s = randomUUID();
    await a.deliver(grant(s, purposes, channels));
    if (facts.length) await a.deliver(release(s, facts));
    return s;
  }
  const segment = (rule?: Rule, channel: 'sms' | 'wechat' = 'sms') =>
    a.createSegment.execute({ name: 'seg', purpose: 'marketing_messages', channel, rule }, 'marketer-1');
  const sample = async (id: string) => (await a.preview.sample(id, 100)).sample;

  it('a member who closed 消费能力 is absent from a segment on a 消费能力 tag though the rule matches, and present in a broadcast', async () => {
    const rich = await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    const bySpend = await segment({ tag: 'spend_365', op: 'gte', value: 50000 });
    const broadcast = await segment();
    expect(await sample(bySpend.id)).toContain(rich);
    await a.deliver(categoriesChanged(rich, ['spending_power']));
    expect(await sample(bySpend.id)).not.toContain(rich);
    expect(await sample(broadcast.id)).toContain(rich);
    // Deleted, not hidden: the tag and the spend columns are gone at once, and stay gone after a refresh.
    await a.refresh.execute();
    expect(
      await a.ds.query("SELECT 1 FROM member_tags WHERE subject_ref = $1 AND category = 'spending_power'", [
        rich,
      ]),
    ).toEqual([]);
    const [f] = await a.ds.query(
      'SELECT monetary_365d_cents, orders_365d FROM member_features WHERE subject_ref = $1',
      [rich],
    );
    expect(f).toEqual({ monetary_365d_cents: null, orders_365d: 1 });
    // A model tag computed from a 消费能力 tag goes too (its lineage reaches the closed category).
    const byModel = await segment({ tag: 'big_spender' });
    expect(byModel.categories.sort()).toEqual(['lifecycle', 'spending_power']);
    expect(await sample(byModel.id)).not.toContain(rich);
    const why = await a.explain.explain(
      a.ds.manager,
      (await a.segments.find(a.ds.manager, 'demo', bySpend.id))!,
      rich,
    );
    expect(why.inSegment).toBe(false);
    expect(why.guards).toContainEqual({
      name: 'closed_categories',
      passed: false,
      categories: ['spending_power'],
    });
    expect(why.because).toContain('消费能力');
  });

  it('personalisation off: out of every tag-based segment, still in a broadcast (R11)', async () => {
    const s = await member([{ daysAgo: 3, amountCents: 90000 }]);
    await a.refresh.execute();
    const bySpend = await segment({ tag: 'spend_365', op: 'gte', value: 50000 });
    const broadcast = await segment();
    await a.deliver(withdrawal(s, ['purchase_history', 'personalisation', 'sensitive_profiling']));
    expect(await sample(bySpend.id)).not.toContain(s);
    expect(await sample(broadcast.id)).toContain(s);
  });

  it('selects by time windows, category purchases, channel consent and a three-level and/or/not', async () => {
    const sporty = await member([{ daysAgo: 10, amountCents: 100, skus: ['SPORT-1'] }], undefined, [
      'sms',
      'wechat',
    ]);
    const lapsed = await member([{ daysAgo: 200, amountCents: 100, skus: ['SPORT-1'] }]);
    const smsOnly = await member([{ daysAgo: 10, amountCents: 100, skus: ['SPORT-1'] }]);
    await a.refresh.execute();
    const bought90 = await sample((await segment({ bought: { category: '运动', withinDays: 90 } })).id);
    expect(bought90).toEqual(expect.arrayContaining([sporty, smsOnly]));
    expect(bought90).not.toContain(lapsed);
    const noOrder = await sample((await segment({ noOrderWithinDays: 90 })).id);
    expect(noOrder).toContain(lapsed);
    expect(noOrder).not.toContain(sporty);
    const wechat = await sample((await segment({ bought: { category: '运动' } }, 'wechat')).id);
    expect(wechat).toContain(sporty);
    expect(wechat).not.toContain(smsOnly);
    const rule: Rule = {
      and: [
        {
          or: [{ bought: { category: '运动', withinDays: 90 } }, { tag: 'top_cat', op: 'eq', value: '运动' }],
        },
        { not: { or: [{ consent: { channel: 'wechat' } }, { noOrderWithinDays: 30 }] } },
      ],
    };
    const three = await sample((await segment(rule)).id);
    expect(three).toContain(smsOnly);
    expect(three).not.toContain(sporty);
    expect(three).not.toContain(lapsed);
    const s = (await a.segments.list(a.ds.manager, 'demo'))[0];
    const why = await a.explain.explain(a.ds.manager, s, sporty);
    expect(why.inSegment).toBe(false);
    expect(why.rule!.children.map((c) => c.matched)).toEqual([true, false]);
    expect(why.rule!.children[1].children[0].children.map((c) => c.matched)).toEqual([true, false]);
  });

  it('a sensitive product category selects only members with sensitive_profiling consent (R2)', async () => {
    const without = await member([{ daysAgo: 5, amountCents: 100, skus: ['MED-1'] }]);
    const withIt = await member(
      [{ daysAgo: 5, amountCents: 100, skus: ['MED-1'] }],
      ['marketing_messages', 'purchase_history', 'personalisation', 'sensitive_profiling'],
    );
    const seg = await segment({ bought: { category: '保健' } });
    const members = await sample(seg.id);
    expect(members).toContain(withIt);
    expect(members).not.toContain(without);
  });

  it('names every problem of a bad rule by its path', async () => {
    const err = await segment({
      and: [
        { tag: 'nope' },
        { feature: 'recency_days', op: 'like', value: 1 },
        { bought: { withinDays: -1 } },
        { wat: 1 },
      ],
    } as unknown as Rule).catch((e) => e);
    expect(err).toBeInstanceOf(SegmentError);
    expect(err.details.problems).toEqual([
      { path: 'rule.and[0].tag', message: 'unknown tag "nope"' },
      { path: 'rule.and[1].op', message: 'must be one of eq, ne, gt, gte, lt, lte, in, between' },
      { path: 'rule.and[2].bought.withinDays', message: 'must be a whole number of days from 1 to 3650' },
      {
        path: 'rule.and[3]',
        message:
          'unknown node: expected one of and, or, not, tag, feature, member, bought, noOrderWithinDays, consent, got wat',
      },
    ]);
  });

  it('never splices values into SQL: hostile strings are parameters and match nothing', async () => {
    const hostile = [
      "'; DROP TABLE members; --",
      "运动' OR '1'='1",
      '$1 OR true',
      "x\\'); DELETE FROM member_tags; --",
    ];
    const rule: Rule = {
      or: [
        ...hostile.map((v) => ({ tag: 'top_cat', op: 'eq' as const, value: v })),
        ...hostile.map((v) => ({ bought: { category: v, skuPrefix: v } })),
        { tag: 'top_cat', op: 'in', value: hostile },
      ],
    };
    const ctx = {
      tags: await a.definitions.infos(a.ds.manager, 'demo'),
      sensitiveProductCategories: new Set<string>(),
    };
    const q = buildSegmentQuery(
      { brandId: 'demo', purpose: 'marketing_messages', channel: 'sms', rule },
      ctx,
    );
    for (const v of hostile) {
      expect(q.fromWhere).not.toContain(v);
      expect(q.amongFromWhere('$99')).not.toContain(v);
    }
    expect(q.params.values).toEqual(expect.arrayContaining(hostile));
    const before = (await a.ds.query('SELECT count(*)::int AS n FROM members'))[0].n;
    const created = await segment(rule);
    expect(created.count).toBe(0);
    expect((await a.ds.query('SELECT count(*)::int AS n FROM members'))[0].n).toBe(before);
  });

  it('materialises a version with the counted members and hands them to outreach as subject refs', async () => {
    const s1 = await member([{ daysAgo: 1, amountCents: 100 }]);
    await a.refresh.execute();
    const seg = await segment({ tag: 'orders_365', op: 'gte', value: 1 });
    const first = await a.materialize.execute(seg.id);
    const second = await a.materialize.execute(seg.id);
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(first.size).toBe((await a.preview.saved(seg.id)).count);
    const [event] = await a.ds.query(
      "SELECT payload FROM outbox WHERE topic = 'audience.segment-materialized.v1' AND payload::jsonb->>'segmentId' = $1 ORDER BY id LIMIT 1",
      [seg.id],
    );
    const payload = JSON.parse(event.payload);
    expect(payload).toMatchObject({
      version: 1,
      size: first.size,
      part: 0,
      parts: 1,
      purpose: 'marketing_messages',
      channel: 'sms',
    });
    expect(payload.subjectRefs).toContain(s1);
  });

  it('an opt-out racing a materialisation: afterwards the member is in no membership and no later evaluation', async () => {
    for (let i = 0; i < 5; i++) {
      const s = await member([{ daysAgo: 3, amountCents: 90000 }]);
      await a.refresh.execute();
      const seg = await segment({ tag: 'spend_365', op: 'gte', value: 50000 });
      const [, done] = await Promise.all([
        a.deliver(categoriesChanged(s, ['spending_power'])),
        a.materialize.execute(seg.id),
      ]);
      const rows = await a.ds.query('SELECT count(*)::int AS n FROM segment_members WHERE segment_id = $1', [
        seg.id,
      ]);
      const inVersion = await a.ds.query(
        'SELECT 1 FROM segment_members WHERE segment_id = $1 AND subject_ref = $2',
        [seg.id, s],
      );
      expect(inVersion).toEqual([]);
      // Whichever went first, the frozen version is the compiled query's answer at one moment.
      expect(rows[0].n).toBeLessThanOrEqual(done.size);
      expect(await sample(seg.id)).not.toContain(s);
      expect((await a.materialize.execute(seg.id)).size).toBe((await a.preview.saved(seg.id)).count);
    }
  });

  it('the set form (whole-brand evaluation) and the row form (a few members) select exactly the same members', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 12; i++)
      refs.push(
        await member(
          [
            { daysAgo: 3 + i * 20, amountCents: 10000 * i, skus: [i % 2 ? 'SPORT-1' : 'FOOD-1'] },
            ...(i % 3 ? [{ daysAgo: 5 + i, amountCents: 500, skus: ['SPORT-2'] }] : []),
          ],
          i % 4 === 0 ? ['marketing_messages', 'purchase_history'] : undefined,
          i % 5 === 0 ? ['sms', 'wechat'] : ['sms'],
        ),
      );
    await a.refresh.execute();
    const rules: Rule[] = [
      {
        and: [
          {
            or: [
              { tag: 'spend_365', op: 'gte', value: 50000 },
              { bought: { category: '运动', withinDays: 90 } },
            ],
          },
          { not: { and: [{ noOrderWithinDays: 30 }, { tag: 'top_cat', op: 'eq', value: '运动' }] } },
        ],
      },
      { bought: { category: '运动', withinDays: 365, atLeast: 2 } },
      { not: { bought: { skuPrefix: 'FOOD-', withinDays: 400 } } },
      { or: [{ consent: { channel: 'wechat' } }, { feature: 'orders_total', op: 'gte', value: 2 }] },
    ];
    const sizes: number[] = [];
    for (const rule of rules) {
      const q = await a.compiler.compile(a.ds.manager, {
        brandId: 'demo',
        purpose: 'marketing_messages',
        channel: 'sms',
        rule,
      });
      const bySet: { subject_ref: string }[] = await a.ds.query(
        `SELECT m.subject_ref ${q.fromWhere}`,
        q.params.values,
      );
      const inSet = bySet.map((r) => r.subject_ref).filter((r) => refs.includes(r));
      const byRow = await a.segments.matchingAmong(a.ds.manager, q, refs);
      expect(byRow.sort()).toEqual(inSet.sort());
      // The set form over these members' rows only (each leaf restricted to them): the same answer.
      const among = await a.segments.matchingAmong(a.ds.manager, q, refs, 'set');
      expect(among.sort()).toEqual(inSet.sort());
      // …and every leaf's subquery is restricted (one restriction per subquery, no marker left).
      const sql = q.amongFromWhere('$99');
      expect(sql).not.toContain('/*among');
      expect((sql.match(/\b(rf|t)\.subject_ref = ANY\(\$99::uuid\[\]\)/g) ?? []).length).toBe(
        (sql.match(/IN \(SELECT/g) ?? []).length,
      );
      sizes.push(inSet.length);
    }
    // Not a vacuous comparison: every rule selects some of these members and leaves out others.
    for (const n of sizes) expect(n > 0 && n < refs.length).toBe(true);
  });
});
