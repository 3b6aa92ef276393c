/**
 * Audience at scale (issue 10 §6): N consented members (default 1,000,000) with facts generated in
 * PostgreSQL by set-based SQL, tags computed by the real refresh, then for 5 segments the compiled
 * count and materialisation next to the same query hand-written in plain SQL, in the same run; then
 * the incremental refresh after 10,000 fact changes.
 *
 *   npm run build && node dist/bench/audience/segments.bench.js [members]
 */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { InProcessTransport, ServiceMessaging } from '../../libs/messaging/src';
import {
  createDatabaseIfMissing,
  openServiceDataSource,
  provisionServiceDatabase,
  startEmbeddedPostgres,
} from '../../libs/persistence/src';
import { AUDIENCE_MIGRATIONS } from '../../services/audience/src/audience.migrations';
import type { AudienceModuleOptions } from '../../services/audience/src/audience.options';
import { DirtyMembersRepository } from '../../services/audience/src/features/dirty-members.repository';
import { MemberFeaturesRepository } from '../../services/audience/src/features/member-features.repository';
import { TagModelsRepository } from '../../services/audience/src/predictions/tag-models.repository';
import { TrainPrediction } from '../../services/audience/src/predictions/train-prediction.use-case';
import type { Rule } from '../../services/audience/src/rule-language/rule';
import { CreateSegment } from '../../services/audience/src/segments/create-segment.use-case';
import { MaterializeSegment } from '../../services/audience/src/segments/materialize-segment.use-case';
import { SegmentCompiler } from '../../services/audience/src/segments/segment-compiler';
import { SegmentRepository } from '../../services/audience/src/segments/segment.repository';
import { DefineTag } from '../../services/audience/src/tags/define-tag.use-case';
import { MemberTagsRepository } from '../../services/audience/src/tags/member-tags.repository';
import { RefreshMemberTags } from '../../services/audience/src/tags/refresh-member-tags.use-case';
import { TagDefinitionsRepository } from '../../services/audience/src/tags/tag-definitions.repository';

const N = Number(process.argv[2] ?? 1_000_000);
const CHANGES = 10_000;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

/** Best of three (the first run warms the cache for both sides alike). */
async function best<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let b: { ms: number; value: T } | undefined;
  for (let i = 0; i < 3; i++) {
    const r = await time(fn);
    if (!b || r.ms < b.ms) b = r;
  }
  return b!;
}

async function generate(ds: DataSource): Promise<void> {
  // Deterministic version-4-shaped refs (events carry v4 UUIDs only).
  await ds.query(`CREATE FUNCTION bench_v4(t text) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT (substr(md5(t), 1, 12) || '4' || substr(md5(t), 14, 3) || '8' || substr(md5(t), 18, 15))::uuid $$`);
  await ds.query(`INSERT INTO members (subject_ref, brand_id, joined_at)
    SELECT bench_v4('m' || i), 'demo', now() - (i % 700) * interval '1 day' FROM generate_series(1, ${N}) i`);
  // Every member: marketing_messages + purchase_history on sms; 90 % also personalisation; 5 % wechat too.
  await ds.query(`INSERT INTO member_consents (subject_ref, brand_id, purpose, channel, granted, ledger_seq, evidence_ref, effective_at)
    SELECT bench_v4('m' || i), 'demo', p, 'sms', true, i, bench_v4('e' || i), now()
      FROM generate_series(1, ${N}) i, unnest(ARRAY['marketing_messages', 'purchase_history']) p`);
  await ds.query(`INSERT INTO member_consents (subject_ref, brand_id, purpose, channel, granted, ledger_seq, evidence_ref, effective_at)
    SELECT bench_v4('m' || i), 'demo', 'personalisation', 'sms', true, i, bench_v4('e' || i), now()
      FROM generate_series(1, ${N}) i WHERE i % 10 <> 0`);
  await ds.query(`INSERT INTO member_consents (subject_ref, brand_id, purpose, channel, granted, ledger_seq)
    SELECT bench_v4('m' || i), 'demo', 'marketing_messages', 'wechat', true, i FROM generate_series(1, ${N}) i WHERE i % 20 = 0`);
  // 2 % closed 消费能力.
  await ds.query(`INSERT INTO member_category_optouts (subject_ref, brand_id, category, closed_at)
    SELECT bench_v4('m' || i), 'demo', 'spending_power', now() FROM generate_series(1, ${N}) i WHERE i % 50 = 7`);
  // 1–5 orders per member (≈3 on average) over two years, one release per member.
  await ds.query(`INSERT INTO released_facts (release_id, order_ref, subject_ref, brand_id, status, amount_cents, ordered_at, skus, categories, sensitive, hour_cn)
    SELECT bench_v4('r' || i), bench_v4('o' || i || '-' || k), bench_v4('m' || i), 'demo', 'completed',
           1000 + ((i::bigint * 7919 + k * 104729) % 90000),
           now() - ((i::bigint * 31 + k * 97) % 730) * interval '1 day' - ((i + k) % 24) * interval '1 hour',
           ARRAY[c || '-' || (k % 7)], ARRAY[c], false, ((i + k) % 24)::smallint
      FROM generate_series(1, ${N}) i
      CROSS JOIN LATERAL generate_series(1, 1 + (i % 5)) k
      CROSS JOIN LATERAL (SELECT (ARRAY['运动', '护肤', '食品', '母婴'])[1 + ((i + k) % 4)] AS c) cat`);
  await ds.query('ANALYZE');
}

/** The same five segments, written by hand as an engineer would (same guards, same meaning). */
const HAND = {
  rfm: `FROM members m WHERE m.brand_id = 'demo'
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'marketing_messages' AND c.channel = 'sms' AND c.granted)
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'personalisation' AND c.granted)
          AND NOT EXISTS (SELECT 1 FROM member_category_optouts o WHERE o.subject_ref = m.subject_ref AND o.category = 'spending_power')
          AND EXISTS (SELECT 1 FROM member_tags t WHERE t.subject_ref = m.subject_ref AND t.tag_key = 'rfm' AND t.value_text IN ('R5F2M2', 'R5F3M3', 'R4F3M3'))`,
  category90: `FROM members m WHERE m.brand_id = 'demo'
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'marketing_messages' AND c.channel = 'sms' AND c.granted)
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'personalisation' AND c.granted)
          AND NOT EXISTS (SELECT 1 FROM member_category_optouts o WHERE o.subject_ref = m.subject_ref AND o.category = 'purchase_preference')
          AND EXISTS (SELECT 1 FROM released_facts f WHERE f.subject_ref = m.subject_ref AND f.ordered_at > now() - interval '90 days' AND '运动' = ANY(f.categories) AND NOT f.sensitive)`,
  score: `FROM members m WHERE m.brand_id = 'demo'
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'marketing_messages' AND c.channel = 'sms' AND c.granted)
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'personalisation' AND c.granted)
          AND NOT EXISTS (SELECT 1 FROM member_category_optouts o WHERE o.subject_ref = m.subject_ref AND o.category IN ('prediction', 'purchase_preference', 'spending_power'))
          AND EXISTS (SELECT 1 FROM member_tags t WHERE t.subject_ref = m.subject_ref AND t.tag_key = 'repurchase_90' AND t.value_num >= 0.5)`,
  nested: `FROM members m WHERE m.brand_id = 'demo'
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'marketing_messages' AND c.channel = 'sms' AND c.granted)
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'personalisation' AND c.granted)
          AND NOT EXISTS (SELECT 1 FROM member_category_optouts o WHERE o.subject_ref = m.subject_ref AND o.category IN ('spending_power', 'purchase_preference'))
          AND (EXISTS (SELECT 1 FROM member_tags t WHERE t.subject_ref = m.subject_ref AND t.tag_key = 'spend_365' AND t.value_num >= 100000)
               OR EXISTS (SELECT 1 FROM released_facts f WHERE f.subject_ref = m.subject_ref AND f.ordered_at > now() - interval '180 days' AND '护肤' = ANY(f.categories) AND NOT f.sensitive))
          AND NOT (NOT EXISTS (SELECT 1 FROM released_facts f WHERE f.subject_ref = m.subject_ref AND f.ordered_at > now() - interval '30 days' AND NOT f.sensitive)
                   AND EXISTS (SELECT 1 FROM member_tags t WHERE t.subject_ref = m.subject_ref AND t.tag_key = 'rfm' AND t.value_text IN ('R1F1M1', 'R1F1M2', 'R2F1M1')))`,
  broadcast: `FROM members m WHERE m.brand_id = 'demo'
          AND EXISTS (SELECT 1 FROM member_consents c WHERE c.subject_ref = m.subject_ref AND c.purpose = 'marketing_messages' AND c.channel = 'sms' AND c.granted)`,
};

const RULES: Record<keyof typeof HAND, Rule | undefined> = {
  rfm: { tag: 'rfm', op: 'in', value: ['R5F2M2', 'R5F3M3', 'R4F3M3'] },
  category90: { bought: { category: '运动', withinDays: 90 } },
  score: { tag: 'repurchase_90', op: 'gte', value: 0.5 },
  nested: {
    and: [
      {
        or: [
          { tag: 'spend_365', op: 'gte', value: 100000 },
          { bought: { category: '护肤', withinDays: 180 } },
        ],
      },
      {
        not: {
          and: [{ noOrderWithinDays: 30 }, { tag: 'rfm', op: 'in', value: ['R1F1M1', 'R1F1M2', 'R2F1M1'] }],
        },
      },
    ],
  },
  broadcast: undefined,
};

async function main(): Promise<void> {
  const pg = process.env.DATABASE_URL
    ? { adminUrl: process.env.DATABASE_URL, stop: async () => {} }
    : await startEmbeddedPostgres({
        dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
        persistent: false,
      });
  try {
    const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `audience_bench_${Date.now()}`);
    const ds = await openServiceDataSource({
      database: await provisionServiceDatabase(adminUrl, 'audience'),
      entities: [],
      migrations: AUDIENCE_MIGRATIONS,
    });
    const transport = new InProcessTransport();
    const options: AudienceModuleOptions = { adminDatabaseUrl: adminUrl, transport, brandId: 'demo' };
    const definitions = new TagDefinitionsRepository();
    const dirty = new DirtyMembersRepository();
    const models = new TagModelsRepository();
    const segments = new SegmentRepository();
    const compiler = new SegmentCompiler(definitions);
    const messaging = new ServiceMessaging(ds, transport, {
      schema: 'audience',
      produces: [],
      consumers: [],
    });
    const refresh = new RefreshMemberTags(
      ds,
      options,
      dirty,
      new MemberFeaturesRepository(),
      new MemberTagsRepository(),
      definitions,
      models,
    );
    const define = new DefineTag(ds, options, definitions, dirty);
    const createSegment = new CreateSegment(ds, options, segments, compiler);
    const materialize = new MaterializeSegment(ds, options, segments, compiler, messaging);

    console.log(`audience bench: ${N.toLocaleString('en')} members`);
    const gen = await time(() => generate(ds));
    const [{ facts }] = await ds.query('SELECT count(*)::int AS facts FROM released_facts');
    console.log(
      `generated ${facts.toLocaleString('en')} facts in ${(gen.ms / 1000).toFixed(1)} s (set-based SQL)`,
    );

    for (const d of [
      {
        key: 'rfm',
        labels: { 'zh-CN': 'RFM分层', en: 'RFM' },
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'rfm' },
      },
      {
        key: 'spend_365',
        labels: { 'zh-CN': '近一年消费', en: 'Spend 365' },
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'monetary_cents', windowDays: 365 },
      },
      {
        key: 'sport_180',
        labels: { 'zh-CN': '近180天运动', en: 'Sport 180' },
        category: 'purchase_preference',
        layer: 'fact',
        fact: { measure: 'order_count', windowDays: 180, category: '运动' },
      },
      {
        key: 'sport_fan',
        labels: { 'zh-CN': '运动达人', en: 'Sports fan' },
        category: 'purchase_preference',
        layer: 'model',
        model: { rule: { tag: 'sport_180', op: 'gte', value: 2 } },
      },
      {
        key: 'repurchase_90',
        labels: { 'zh-CN': '90天复购概率', en: 'Repurchase 90' },
        category: 'prediction',
        spendingPower: true,
        layer: 'prediction',
        prediction: {
          model: 'repurchase_logistic',
          horizonDays: 90,
          features: ['recency_days', 'orders_total', 'orders_365d', 'monetary_365d_cents'],
        },
      },
    ])
      await define.execute(d, 'bench');
    const full = await time(() => refresh.execute(50_000));
    console.log(
      `full tag build (features + 4 tags, every member): ${full.value.toLocaleString('en')} members in ${(full.ms / 1000).toFixed(1)} s`,
    );
    const train = await time(() =>
      new TrainPrediction(ds, options, definitions, models, dirty).execute('repurchase_90'),
    );
    console.log(
      `trained repurchase_90 on ${train.value.metrics.rows} members (AUC ${train.value.metrics.auc.toFixed(3)}) in ${(train.ms / 1000).toFixed(1)} s`,
    );
    const rescore = await time(() => refresh.execute(50_000));
    console.log(`rebuild with the trained model: ${(rescore.ms / 1000).toFixed(1)} s`);
    await ds.query('ANALYZE');

    console.log(
      '\nsegment            | compiled count | hand count | ratio | compiled materialise | hand INSERT…SELECT | ratio | size',
    );
    for (const name of Object.keys(HAND) as (keyof typeof HAND)[]) {
      const seg = await createSegment.execute(
        { name, purpose: 'marketing_messages', channel: 'sms', rule: RULES[name] },
        'bench',
      );
      const saved = (await segments.find(ds.manager, 'demo', seg.id))!;
      const q = await compiler.compile(ds.manager, saved);
      const compiled = await best(() => segments.count(ds.manager, q));
      const hand = await best(
        async () => (await ds.query(`SELECT count(*)::int AS n ${HAND[name]}`))[0].n as number,
      );
      if (compiled.value !== hand.value)
        throw new Error(`${name}: compiled ${compiled.value} ≠ hand-written ${hand.value}`);
      const mat = await best(() => materialize.execute(seg.id));
      const handMat = await best(() =>
        ds.transaction(async (tx) => {
          // The same storage work (segment_members rows, read back in order), without compile and events.
          await tx.query(
            `INSERT INTO segment_members SELECT '${seg.id}'::uuid, -1, m.subject_ref ${HAND[name]}`,
          );
          const rows = await tx.query(
            `SELECT subject_ref FROM segment_members WHERE segment_id = '${seg.id}' AND version = -1 ORDER BY subject_ref`,
          );
          await tx.query(`DELETE FROM segment_members WHERE segment_id = '${seg.id}' AND version = -1`);
          return rows.length as number;
        }),
      );
      await ds.query("DELETE FROM outbox WHERE topic = 'audience.segment-materialized.v1'");
      console.log(
        `${name.padEnd(18)} | ${fmt(compiled.ms)} | ${fmt(hand.ms)} | ${(compiled.ms / hand.ms).toFixed(2)}× | ${fmt(mat.ms)} | ${fmt(handMat.ms)} | ${(mat.ms / handMat.ms).toFixed(2)}× | ${compiled.value.toLocaleString('en')}`,
      );
    }

    // 10,000 fact changes (a new order each for 10,000 members), marked dirty as the consumer does.
    await ds.query(`INSERT INTO released_facts (release_id, order_ref, subject_ref, brand_id, status, amount_cents, ordered_at, skus, categories, hour_cn)
      SELECT bench_v4('r' || i), bench_v4('new' || i), bench_v4('m' || i), 'demo', 'paid', 15000, now() - interval '1 hour', ARRAY['运动-1'], ARRAY['运动'], 12
        FROM generate_series(1, ${N}, ${Math.max(1, Math.floor(N / CHANGES))}) i LIMIT ${CHANGES}`);
    await ds.query(`INSERT INTO dirty_members (subject_ref, brand_id)
      SELECT DISTINCT subject_ref, 'demo' FROM released_facts WHERE status = 'paid'
      ON CONFLICT DO NOTHING`);
    const inc = await time(() => refresh.execute(20_000));
    console.log(
      `\nincremental refresh after ${CHANGES.toLocaleString('en')} fact changes: ${inc.value.toLocaleString('en')} members recomputed (features + every tag) in ${fmt(inc.ms)}`,
    );
    const seg = (await segments.list(ds.manager, 'demo')).find((s) => s.name === 'category90')!;
    const after = await time(async () => segments.count(ds.manager, await compiler.compile(ds.manager, seg)));
    console.log(`category90 count right after: ${after.value.toLocaleString('en')} in ${fmt(after.ms)}`);
    await ds.destroy();
  } finally {
    await pg.stop();
  }
}

function fmt(ms: number): string {
  return (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`).padStart(10);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
