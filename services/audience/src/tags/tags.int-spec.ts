import { randomUUID } from 'node:crypto';
import { grant, openAudience, release, type FactSpec } from '../../test/audience-harness';
import { TagError } from './tags.errors';

describe('tags: fact → model → prediction, recomputed incrementally, each with its lineage', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  const define = (d: Record<string, unknown>) => a.defineTag.execute(d, 'marketer-1');
  const labels = (zh: string, en: string) => ({ 'zh-CN': zh, en });

  beforeAll(async () => {
    a = await openAudience('audtags');
    await a.catalogue.execute({
      entries: [
        { skuPrefix: 'SPORT-', category: '运动' },
        { skuPrefix: 'CREAM-', category: '护肤' },
        { skuPrefix: 'MED-', category: '保健', sensitive: true },
      ],
    });
    await define({
      key: 'recency',
      labels: labels('最近购买天数', 'Days since last order'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'recency_days' },
    });
    await define({
      key: 'first_order',
      labels: labels('首单天数', 'Days since first order'),
      category: 'lifecycle',
      layer: 'fact',
      fact: { measure: 'first_order_days_ago' },
    });
    await define({
      key: 'sport_180',
      labels: labels('近180天运动订单', 'Sport orders, 180 days'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'order_count', windowDays: 180, category: '运动' },
    });
    await define({
      key: 'cream50',
      labels: labels('买过面霜50ml', 'Bought cream 50ml'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'order_count', skuPrefix: 'CREAM-50' },
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
      key: 'top_cat',
      labels: labels('最常购品类', 'Top category'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'top_category' },
    });
    await define({
      key: 'night_share',
      labels: labels('夜间下单占比', 'Share of night orders'),
      category: 'active_hours',
      layer: 'fact',
      fact: { measure: 'hour_share', fromHour: 22, toHour: 2 },
    });
    await define({
      key: 'band',
      labels: labels('常用下单时段', 'Usual order time'),
      category: 'active_hours',
      layer: 'fact',
      fact: { measure: 'hour_band' },
    });
    await define({
      key: 'rfm',
      labels: labels('RFM分层', 'RFM bucket'),
      category: 'spending_power',
      spendingPower: true,
      layer: 'fact',
      fact: { measure: 'rfm' },
    });
    await define({
      key: 'health_buyer',
      labels: labels('保健品购买', 'Health purchases'),
      category: 'purchase_preference',
      sensitive: true,
      layer: 'fact',
      fact: { measure: 'order_count', category: '保健' },
    });
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

  async function member(facts: FactSpec[], purposes?: Parameters<typeof grant>[1]) {
    const s = randomUUID();
    const g = grant(s, purposes);
    await a.deliver(g);
    const r = release(s, facts);
    await a.deliver(r);
    return { s, grant: g, release: r };
  }
  const tagsOf = async (s: string) =>
    Object.fromEntries(
      (await a.tags.tagsOf(a.ds.manager, s)).map((t) => [t.tagKey, t.valueText ?? t.valueNum]),
    );

  it('computes fact tags (recency, window counts by category and SKU, spend, top category, hours, RFM) and model tags', async () => {
    const { s } = await member([
      { daysAgo: 5, amountCents: 30000, skus: ['SPORT-SHOE-1'], hour: 23 },
      { daysAgo: 40, amountCents: 20000, skus: ['SPORT-BALL-2'], hour: 1 },
      { daysAgo: 200, amountCents: 10000, skus: ['SPORT-SOCK-3', 'CREAM-50-A'], hour: 22 },
      { daysAgo: 400, amountCents: 5000, skus: ['CREAM-50-B'], hour: 10 },
    ]);
    await a.refresh.execute();
    expect(await tagsOf(s)).toEqual({
      recency: 5,
      first_order: 400,
      sport_180: 2,
      cream50: 2,
      spend_365: 60000,
      top_cat: '运动',
      night_share: 0.75,
      band: 'night',
      // 5 days → R5; 3 orders in 365 days → F3; ¥600 → M3 (thresholds ¥100/300/800/2000)
      rfm: 'R5F3M3',
      sport_fan: 1,
      night_owl: 1,
    });
  });

  it('a model tag is absent when its rule does not hold', async () => {
    const { s } = await member([{ daysAgo: 5, amountCents: 100, skus: ['SPORT-1'], hour: 12 }]);
    await a.refresh.execute();
    const tags = await tagsOf(s);
    expect(tags.sport_180).toBe(1);
    expect(tags).not.toHaveProperty('sport_fan');
    expect(tags).not.toHaveProperty('night_owl');
  });

  it('recomputes only the members whose inputs changed', async () => {
    const x = await member([{ daysAgo: 50, amountCents: 100, skus: ['SPORT-1'] }]);
    const y = await member([{ daysAgo: 50, amountCents: 100, skus: ['SPORT-1'] }]);
    await a.refresh.execute();
    const at = async (s: string) =>
      (
        await a.ds.query(
          "SELECT computed_at FROM member_tags WHERE subject_ref = $1 AND tag_key = 'sport_180'",
          [s],
        )
      )[0].computed_at.getTime();
    const yBefore = await at(y.s);
    await a.deliver(release(x.s, [{ daysAgo: 2, amountCents: 100, skus: ['SPORT-2'] }]));
    expect(await a.ds.query('SELECT subject_ref FROM dirty_members')).toEqual([{ subject_ref: x.s }]);
    expect(await a.refresh.execute()).toBe(1);
    expect((await tagsOf(x.s)).sport_fan).toBe(1);
    expect(await at(y.s)).toBe(yBefore);
  });

  it('computes a sensitive tag only for members with the sensitive_profiling consent (R2)', async () => {
    const facts = [{ daysAgo: 3, amountCents: 100, skus: ['MED-VIT-1'] }];
    const without = await member(facts);
    const withConsent = await member(facts, [
      'marketing_messages',
      'purchase_history',
      'personalisation',
      'sensitive_profiling',
    ]);
    await a.refresh.execute();
    expect(await tagsOf(without.s)).not.toHaveProperty('health_buyer');
    expect((await tagsOf(withConsent.s)).health_buyer).toBe(1);
  });

  it('computes no tag at all without the personalisation consent (R11)', async () => {
    const { s } = await member(
      [{ daysAgo: 3, amountCents: 100, skus: ['SPORT-1'] }],
      ['marketing_messages', 'purchase_history'],
    );
    await a.refresh.execute();
    expect(await tagsOf(s)).toEqual({});
  });

  it('refuses a definition with a precise error for each problem', async () => {
    const err = await define({
      key: 'Bad Key',
      labels: { 'zh-CN': '' },
      category: '消费能力',
      layer: 'fact',
      fact: { measure: 'monetary_cents', windowDays: 0, category: '保健' },
    }).catch((e: TagError) => e);
    expect(err).toBeInstanceOf(TagError);
    const paths = (err as TagError).details!.problems as { path: string; message: string }[];
    expect(paths.map((p) => p.path).sort()).toEqual(
      [
        'category',
        'fact.windowDays',
        'key',
        'labels.en',
        'labels.zh-CN',
        'sensitive',
        'spendingPower',
      ].sort(),
    );
    expect(paths.find((p) => p.path === 'sensitive')!.message).toMatch(/R2/);
    const unknownTag = await define({
      key: 'x',
      labels: labels('x', 'x'),
      category: 'lifecycle',
      layer: 'model',
      model: { rule: { and: [{ tag: 'nope' }] } },
    }).catch((e: TagError) => e);
    expect((unknownTag as TagError).details!.problems).toEqual([
      { path: 'model.rule.and[0].tag', message: 'unknown tag "nope"' },
    ]);
  });

  it('a new definition version recomputes every member with it', async () => {
    const { s } = await member([{ daysAgo: 100, amountCents: 100, skus: ['SPORT-1'] }]);
    await a.refresh.execute();
    expect((await tagsOf(s)).sport_180).toBe(1);
    const v2 = await define({
      key: 'sport_180',
      labels: labels('近90天运动订单', 'Sport orders, 90 days'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'order_count', windowDays: 90, category: '运动' },
    });
    expect(v2.version).toBe(2);
    await a.refresh.execute();
    expect(await tagsOf(s)).not.toHaveProperty('sport_180');
    await define({
      key: 'sport_180',
      labels: labels('近180天运动订单', 'Sport orders, 180 days'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'order_count', windowDays: 180, category: '运动' },
    });
    await a.refresh.execute();
  });

  it('lineage: a model tag leads back to its fact tag, the facts, their release and the consent ledger entry', async () => {
    const {
      s,
      grant: g,
      release: r,
    } = await member([
      { daysAgo: 5, amountCents: 100, skus: ['SPORT-1'] },
      { daysAgo: 9, amountCents: 200, skus: ['SPORT-2'] },
    ]);
    await a.refresh.execute();
    const lineage = await a.lineage.of(a.ds.manager, 'demo', s, 'sport_fan');
    expect(lineage.tag).toMatchObject({
      key: 'sport_fan',
      layer: 'model',
      categoryLabel: { 'zh-CN': '购买偏好' },
    });
    expect(lineage.rule).toEqual({ tag: 'sport_180', op: 'gte', value: 2 });
    const [fact] = lineage.inputs!;
    expect(fact.tag.key).toBe('sport_180');
    expect(fact.value).toBe(2);
    expect(fact.releases).toEqual([r.releaseId]);
    expect(fact.facts!.map((f) => f.orderRef).sort()).toEqual(r.facts.map((f) => f.orderRef).sort());
    expect(lineage.consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          purpose: 'purchase_history',
          ledgerSeq: g.ledgerSeq,
          evidenceRef: g.evidenceRef,
        }),
        expect.objectContaining({
          purpose: 'personalisation',
          ledgerSeq: g.ledgerSeq,
          evidenceRef: g.evidenceRef,
        }),
      ]),
    );
  });
  it('a platform fact tag: the platform most orders came from; facts released without a platform do not vote', async () => {
    await define({
      key: 'main_platform',
      labels: labels('主要购物平台', 'Main platform'),
      category: 'purchase_preference',
      layer: 'fact',
      fact: { measure: 'top_platform', windowDays: 365 },
    });
    const { s } = await member([
      { daysAgo: 5, amountCents: 100, platform: 'douyin' },
      { daysAgo: 6, amountCents: 100, platform: 'douyin' },
      { daysAgo: 7, amountCents: 100, platform: 'jd' },
      { daysAgo: 8, amountCents: 100 },
      { daysAgo: 9, amountCents: 100 },
      { daysAgo: 10, amountCents: 100 },
    ]);
    const old = await member([{ daysAgo: 5, amountCents: 100 }]);
    await a.refresh.execute();
    expect((await tagsOf(s)).main_platform).toBe('douyin');
    expect(await tagsOf(old.s)).not.toHaveProperty('main_platform');
    expect(
      await a.ds.query('SELECT DISTINCT platform FROM released_facts WHERE subject_ref = $1 ORDER BY 1', [s]),
    ).toEqual([{ platform: 'douyin' }, { platform: 'jd' }, { platform: null }]);
  });
});

describe('prediction tags: a logistic repurchase model trained on the brand’s own facts', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  beforeAll(async () => {
    a = await openAudience('audpred');
  });
  afterAll(() => a?.ds.destroy());

  it('stores coefficients with the model version and training window, and explains each score by contributions', async () => {
    await a.defineTag.execute(
      {
        key: 'repurchase_90',
        labels: { 'zh-CN': '90天复购概率', en: 'Repurchase within 90 days' },
        category: 'prediction',
        spendingPower: true,
        layer: 'prediction',
        prediction: {
          model: 'repurchase_logistic',
          horizonDays: 90,
          features: ['recency_days', 'orders_total', 'monetary_365d_cents'],
        },
      },
      'marketer-1',
    );
    // Loyal buyers (several orders before the cut-off) mostly reorder; one-off buyers mostly do not.
    const loyal: string[] = [];
    for (let i = 0; i < 30; i++) {
      const s = randomUUID();
      loyal.push(s);
      await a.deliver(grant(s));
      const reorders = i % 6 !== 0;
      await a.deliver(
        release(s, [
          { daysAgo: 100 + (i % 5), amountCents: 20000 },
          { daysAgo: 130, amountCents: 20000 },
          { daysAgo: 170, amountCents: 20000 },
          ...(reorders ? [{ daysAgo: 30 + (i % 20), amountCents: 20000 }] : []),
        ]),
      );
    }
    for (let i = 0; i < 30; i++) {
      const s = randomUUID();
      await a.deliver(grant(s));
      const reorders = i % 6 === 0;
      await a.deliver(
        release(s, [
          { daysAgo: 250 + i, amountCents: 3000 },
          ...(reorders ? [{ daysAgo: 10, amountCents: 3000 }] : []),
        ]),
      );
    }
    const trained = await a.train.execute('repurchase_90');
    expect(trained.modelVersion).toBe(1);
    expect(trained.metrics.rows).toBe(60);
    expect(trained.metrics.auc).toBeGreaterThan(0.7);
    expect(trained.coefficients.weights.orders_total).toBeGreaterThan(0);
    expect(Date.parse(trained.trainingWindow.cutoff)).toBeLessThan(Date.now() - 89 * 86400_000);
    const [stored] = await a.ds.query(
      "SELECT model_version, features, coefficients, training_window FROM tag_models WHERE tag_key = 'repurchase_90'",
    );
    expect(stored).toMatchObject({
      model_version: 1,
      features: ['recency_days', 'orders_total', 'monetary_365d_cents'],
    });
    expect(stored.training_window.horizonDays).toBe(90);

    await a.refresh.execute();
    const [row] = await a.ds.query(
      "SELECT value_num, inputs FROM member_tags WHERE subject_ref = $1 AND tag_key = 'repurchase_90'",
      [loyal[1]],
    );
    const logit =
      row.inputs.intercept +
      Object.values(row.inputs.contributions as Record<string, number>).reduce((x, y) => x + y, 0);
    expect(row.value_num).toBeCloseTo(1 / (1 + Math.exp(-logit)), 9);
    expect(row.inputs.modelVersion).toBe(1);
    const lineage = await a.lineage.of(a.ds.manager, 'demo', loyal[1], 'repurchase_90');
    expect(lineage.model).toMatchObject({ modelVersion: 1, trainingWindow: { horizonDays: 90 } });
    expect(Object.keys(lineage.contributions!).sort()).toEqual([
      'monetary_365d_cents',
      'orders_total',
      'recency_days',
    ]);
  });
});
