/**
 * Audience at scale (issue 10 §6): N consented members (default 1,000,000) with facts generated in
 * PostgreSQL by set-based SQL, tags computed by the real refresh, then for 5 segments the compiled
 * count and materialisation next to the same query hand-written in plain SQL, in the same run; then
 * the incremental refresh (tags, then segments) after a change to 10 members (three rounds) and to
 * 10,000 members, each next to same-run baselines.
 *
 *   npm run build && node dist/bench/audience/segments.bench.js [members]
 *
 * PG_SETTINGS=name=value,… sets the embedded server (at 1M members, e.g.
 * `shared_buffers=6GB,max_wal_size=8GB,checkpoint_timeout=1h`: the default 128 MB of shared buffers
 * evicts and rewrites pages in every refresh); WORKERS=n sets the tag refresh's batches at once.
 */
import 'reflect-metadata';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager, type DataSource } from 'typeorm';
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
import { MemberChangesRepository } from '../../services/audience/src/features/member-changes.repository';
import { TagModelsRepository } from '../../services/audience/src/predictions/tag-models.repository';
import { TrainPrediction } from '../../services/audience/src/predictions/train-prediction.use-case';
import type { Rule } from '../../services/audience/src/rule-language/rule';
import { CreateSegment } from '../../services/audience/src/segments/create-segment.use-case';
import { MaterializeSegment } from '../../services/audience/src/segments/materialize-segment.use-case';
import {
  DEFAULT_SEGMENT_REFRESH_WORKERS,
  RefreshSegments,
} from '../../services/audience/src/segments/refresh-segments.use-case';
import { SegmentCompiler } from '../../services/audience/src/segments/segment-compiler';
import { SegmentRepository } from '../../services/audience/src/segments/segment.repository';
import { DefineTag } from '../../services/audience/src/tags/define-tag.use-case';
import { MemberTagsRepository } from '../../services/audience/src/tags/member-tags.repository';
import {
  orderByDependency,
  REFRESH_BATCH,
  REFRESH_WORKERS,
  RefreshMemberTags,
} from '../../services/audience/src/tags/refresh-member-tags.use-case';
import { TagDefinitionsRepository } from '../../services/audience/src/tags/tag-definitions.repository';
import { describeSettings, pgSettingsFromEnv } from '../pg-settings';
import { MemberFeaturesRepository as PreviousFeatures } from './previous/member-features.repository';
import { MemberTagsRepository as PreviousTags } from './previous/member-tags.repository';

const N = Number(process.argv[2] ?? 1_000_000);
const CHANGES = 10_000;
/** "A change affecting a few members": the incremental target's case. */
const FEW = 10;
/** PROFILE=1: EXPLAIN (ANALYZE, BUFFERS) of each compiled count and a per-statement profile of the refresh. */
const PROFILE = process.env.PROFILE === '1';

/** SEGMENTS=rfm,nested: only these segments (a shorter profiling run). */
const ONLY = process.env.SEGMENTS?.split(',');

/** PG_SETTINGS=shared_buffers=4GB,…: the embedded server's settings (bench/pg-settings.ts). */
const SETTINGS = pgSettingsFromEnv();

/**
 * Times every statement run through an EntityManager while `fn` runs (bench only). In a transaction,
 * each slow data statement is also run once under EXPLAIN (ANALYZE, BUFFERS) inside a savepoint that
 * is rolled back, and the plans of the slowest are printed.
 */
async function statementProfile<T>(fn: () => Promise<T>): Promise<T> {
  const original = EntityManager.prototype.query;
  const spent = new Map<string, { ms: number; calls: number; plan?: string }>();
  EntityManager.prototype.query = async function (this: EntityManager, sql: string, params?: unknown[]) {
    const key = `${sql.replace(/\s+/g, ' ').trim().slice(0, 90)} [${JSON.stringify(params ?? []).length > 200 ? '…' : JSON.stringify(params ?? [])}]`;
    let plan: string | undefined;
    if (this.queryRunner?.isTransactionActive && /^\s*(INSERT|UPDATE|DELETE|WITH|SELECT m)/.test(sql)) {
      await original.call(this, 'SAVEPOINT bench_plan');
      const rows = (await original.call(this, `EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)) as {
        'QUERY PLAN': string;
      }[];
      await original.call(this, 'ROLLBACK TO SAVEPOINT bench_plan');
      plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    const t = process.hrtime.bigint();
    try {
      return await original.call(this, sql, params);
    } finally {
      const s = spent.get(key) ?? { ms: 0, calls: 0 };
      s.ms += Number(process.hrtime.bigint() - t) / 1e6;
      s.calls++;
      s.plan ??= plan;
      spent.set(key, s);
    }
  } as typeof original;
  try {
    return await fn();
  } finally {
    EntityManager.prototype.query = original;
    const top = [...spent].sort((a, b) => b[1].ms - a[1].ms);
    for (const [sql, s] of top.slice(0, 14)) console.log(`  ${fmt(s.ms)} ×${s.calls}  ${sql}`);
    for (const [sql, s] of top.slice(0, 4)) if (s.plan) console.log(`--- ${sql}\n${s.plan}`);
  }
}

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
  // The members row's copy of its consents and closed categories (what MemberRepository keeps in
  // step); the hand-written EXISTS queries read member_consents, so a mismatch fails the run.
  await ds.query(`INSERT INTO members (subject_ref, brand_id, joined_at, grants, closed_categories)
    SELECT bench_v4('m' || i), 'demo', now() - (i % 700) * interval '1 day',
           ARRAY['marketing_messages:sms', 'purchase_history:sms']
             || CASE WHEN i % 10 <> 0 THEN ARRAY['personalisation:sms'] ELSE '{}' END
             || CASE WHEN i % 20 = 0 THEN ARRAY['marketing_messages:wechat'] ELSE '{}' END,
           CASE WHEN i % 50 = 7 THEN ARRAY['spending_power'] ELSE '{}' END
      FROM generate_series(1, ${N}) i`);
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

/**
 * The same five as the compiler now writes them, by hand: guards as filters on the members row's
 * consent/category copies, rule leaves as uncorrelated IN sets.
 */
const GUARDS = `FROM members m WHERE m.brand_id = 'demo' AND m.grants @> ARRAY['marketing_messages:sms']`;
const PROFILED_IN = `AND m.grants && ARRAY['personalisation:sms', 'personalisation:wechat', 'personalisation:wecom']`;
const HAND_IN: Record<keyof typeof HAND, string> = {
  rfm: `${GUARDS} ${PROFILED_IN} AND NOT (m.closed_categories && ARRAY['spending_power'])
          AND m.subject_ref IN (SELECT t.subject_ref FROM member_tags t WHERE t.tag_key = 'rfm' AND t.value_text IN ('R5F2M2', 'R5F3M3', 'R4F3M3'))`,
  category90: `${GUARDS} ${PROFILED_IN} AND NOT (m.closed_categories && ARRAY['purchase_preference'])
          AND m.subject_ref IN (SELECT f.subject_ref FROM released_facts f WHERE f.ordered_at > now() - interval '90 days' AND '运动' = ANY(f.categories) AND NOT f.sensitive)`,
  score: `${GUARDS} ${PROFILED_IN} AND NOT (m.closed_categories && ARRAY['prediction', 'purchase_preference', 'spending_power'])
          AND m.subject_ref IN (SELECT t.subject_ref FROM member_tags t WHERE t.tag_key = 'repurchase_90' AND t.value_num >= 0.5)`,
  nested: `${GUARDS} ${PROFILED_IN} AND NOT (m.closed_categories && ARRAY['spending_power', 'purchase_preference'])
          AND (m.subject_ref IN (SELECT t.subject_ref FROM member_tags t WHERE t.tag_key = 'spend_365' AND t.value_num >= 100000)
               OR m.subject_ref IN (SELECT f.subject_ref FROM released_facts f WHERE f.ordered_at > now() - interval '180 days' AND '护肤' = ANY(f.categories) AND NOT f.sensitive))
          AND NOT (m.subject_ref NOT IN (SELECT f.subject_ref FROM released_facts f WHERE f.ordered_at > now() - interval '30 days' AND NOT f.sensitive)
                   AND m.subject_ref IN (SELECT t.subject_ref FROM member_tags t WHERE t.tag_key = 'rfm' AND t.value_text IN ('R1F1M1', 'R1F1M2', 'R2F1M1')))`,
  broadcast: GUARDS,
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
        settings: SETTINGS,
        // PG_LOG=<file> keeps the server's log (e.g. auto_explain's plans through PG_SETTINGS).
        ...(process.env.PG_LOG ? { onLog: (line: string) => appendFileSync(process.env.PG_LOG!, line) } : {}),
      });
  console.log(
    `server settings: ${process.env.DATABASE_URL ? 'the server at DATABASE_URL' : describeSettings(SETTINGS)}`,
  );
  try {
    const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `audience_bench_${Date.now()}`);
    const ds = await openServiceDataSource({
      database: await provisionServiceDatabase(adminUrl, 'audience'),
      entities: [],
      migrations: AUDIENCE_MIGRATIONS,
    });
    const transport = new InProcessTransport();
    // WORKERS=n: tag refresh batches computed at once (the service's default otherwise).
    const options: AudienceModuleOptions = {
      adminDatabaseUrl: adminUrl,
      transport,
      brandId: 'demo',
      refreshWorkers: Number(process.env.WORKERS ?? REFRESH_WORKERS),
    };
    console.log(
      `tag refresh: batches of ${REFRESH_BATCH.toLocaleString('en')} members, ${options.refreshWorkers} at once`,
    );
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
      new MemberTagsRepository(),
      definitions,
      models,
      new MemberChangesRepository(),
    );
    const define = new DefineTag(ds, options, definitions, dirty);
    const createSegment = new CreateSegment(ds, options, segments, compiler);
    const changes = new MemberChangesRepository();
    const materialize = new MaterializeSegment(ds, options, segments, compiler, messaging, changes);
    const refreshSegments = new RefreshSegments(ds, options, segments, compiler, messaging, changes);
    // The previous refresh, one segment at a time: the same-run baseline of refreshing them side by side.
    const oneByOne = { ...options, segmentRefreshWorkers: 1 };
    const refreshSegmentsOneByOne = new RefreshSegments(ds, oneByOne, segments, compiler, messaging, changes);

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
    // Training reads the facts at a cut-off, not member_features: train first, then one full build.
    const train = await time(() =>
      new TrainPrediction(ds, options, definitions, models, dirty).execute('repurchase_90'),
    );
    console.log(
      `trained repurchase_90 on ${train.value.metrics.rows} members (AUC ${train.value.metrics.auc.toFixed(3)}) in ${(train.ms / 1000).toFixed(1)} s`,
    );
    const full = await time(() => refresh.execute());
    console.log(
      `full tag build (features + 5 tags, every member): ${full.value.toLocaleString('en')} members in ${(full.ms / 1000).toFixed(1)} s`,
    );
    await ds.query('ANALYZE');

    console.log(
      '\nsegment            | compiled count | hand EXISTS (old form) | ratio | hand (same form) | ratio | 1st materialise | hand INSERT…SELECT | ratio | re-materialise | size',
    );
    /** Runs `sql` in a transaction with the same work_mem the compiled evaluation uses. */
    const evaluate = <T>(fn: (tx: EntityManager) => Promise<T>) =>
      ds.transaction(async (tx) => {
        await segments.useEvaluationMemory(tx);
        return fn(tx);
      });
    for (const name of (Object.keys(HAND) as (keyof typeof HAND)[]).filter(
      (n) => !ONLY || ONLY.includes(n),
    )) {
      const seg = await createSegment.execute(
        { name, purpose: 'marketing_messages', channel: 'sms', rule: RULES[name] },
        'bench',
      );
      const saved = (await segments.find(ds.manager, 'demo', seg.id))!;
      const q = await compiler.compile(ds.manager, saved);
      if (PROFILE) {
        const plan: { 'QUERY PLAN': string }[] = await evaluate((tx) =>
          tx.query(`EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) ${q.fromWhere}`, q.params.values),
        );
        console.log(`--- ${name}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
      const compiled = await best(() => evaluate((tx) => segments.count(tx, q)));
      const hand = await best(() =>
        evaluate(async (tx) => (await tx.query(`SELECT count(*)::int AS n ${HAND[name]}`))[0].n as number),
      );
      const handIn = await best(() =>
        evaluate(async (tx) => (await tx.query(`SELECT count(*)::int AS n ${HAND_IN[name]}`))[0].n as number),
      );
      if (compiled.value !== hand.value || compiled.value !== handIn.value)
        throw new Error(`${name}: compiled ${compiled.value} ≠ hand-written ${hand.value} / ${handIn.value}`);
      // The first materialisation writes every member; later ones write only who joined and left.
      const mat = await time(() =>
        PROFILE ? statementProfile(() => materialize.execute(seg.id)) : materialize.execute(seg.id),
      );
      const remat = await best(() => materialize.execute(seg.id));
      const handMat = await best(() =>
        evaluate(async (tx) => {
          // The same storage work (segment_members rows, read back in order), without compile and events.
          await tx.query(
            `INSERT INTO segment_members (segment_id, from_version, subject_ref) SELECT '${seg.id}'::uuid, -1, m.subject_ref ${HAND_IN[name]}`,
          );
          const rows = await tx.query(
            `SELECT subject_ref FROM segment_members WHERE segment_id = '${seg.id}' AND from_version = -1 ORDER BY subject_ref`,
          );
          await tx.query(`DELETE FROM segment_members WHERE segment_id = '${seg.id}' AND from_version = -1`);
          return rows.length as number;
        }),
      );
      await ds.query("DELETE FROM outbox WHERE topic = 'audience.segment-materialized.v1'");
      console.log(
        `${name.padEnd(18)} | ${fmt(compiled.ms)} | ${fmt(hand.ms)} | ${(compiled.ms / hand.ms).toFixed(2)}× | ${fmt(handIn.ms)} | ${(compiled.ms / handIn.ms).toFixed(2)}× | ${fmt(mat.ms)} | ${fmt(handMat.ms)} | ${(mat.ms / handMat.ms).toFixed(2)}× | ${fmt(remat.ms)} | ${compiled.value.toLocaleString('en')}`,
      );
    }

    const saved = await segments.list(ds.manager, 'demo');
    const ROLLBACK = new Error('bench: roll back');
    /** Runs `fn` in a transaction that is rolled back; answers how long it took. */
    const rolledBack = async (fn: (tx: EntityManager) => Promise<unknown>): Promise<number> => {
      const t = process.hrtime.bigint();
      try {
        await ds.transaction(async (tx) => {
          await fn(tx);
          throw ROLLBACK;
        });
      } catch (err) {
        if (err !== ROLLBACK) throw err;
      }
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const previousTags = new PreviousTags();
    const previousFeatures = new PreviousFeatures();
    /**
     * One refresh batch as the previous design ran it: the batch's features and tags deleted, then
     * every row inserted again (fact layer in one statement, then one per model/prediction tag).
     */
    const previousRefreshBatch = async (tx: EntityManager): Promise<void> => {
      const { batch } = await dirty.claim(tx, 'demo', 20_000);
      const defs = orderByDependency(await definitions.current(tx, 'demo'));
      const ctx = await compiler.context(tx, 'demo');
      await previousTags.deleteFor(tx, batch);
      await previousFeatures.deleteFor(tx, batch);
      await previousTags.computeFeaturesAndFactTags(
        tx,
        batch,
        defs.filter((d) => d.layer === 'fact'),
      );
      for (const d of defs) {
        if (d.layer === 'model') await previousTags.computeModelTag(tx, d, batch, ctx);
        else if (d.layer === 'prediction') {
          const model = await models.latest(tx, 'demo', d.key, d.version);
          if (model) await previousTags.computePredictionTag(tx, d, model, batch);
        }
      }
      await changes.append(tx, 'demo', batch);
    };
    let round = 0;
    /**
     * `n` members (a different set each round) get a new order each, stored and marked dirty as the
     * facts consumer does; then the tag refresh and the automatic refresh of the materialised
     * segments, each timed, next to same-run baselines: the same 5 predicates hand-written and
     * restricted to the changed members (what an incremental evaluation must at least read), the
     * whole evaluation of the 5 segments (what a full refresh reads), and a hand-written read and
     * aggregation of the changed members' facts (what a tag refresh must at least read).
     * `newOrder: false`: the members are only marked dirty again (as a consent or opt-out event that
     * changes no tag value does), so the refresh recomputes them and has nothing to write.
     */
    async function changeAndRefresh(
      n: number,
      newOrder = true,
      segmentRefresh = refreshSegments,
    ): Promise<void> {
      round++;
      const stride = Math.max(1, Math.floor(N / n));
      const members = `SELECT i FROM generate_series(${round}, ${N}, ${stride}) i LIMIT ${n}`;
      const changed: string[] = (await ds.query(`SELECT bench_v4('m' || i) AS s FROM (${members}) x`)).map(
        (r: { s: string }) => r.s,
      );
      if (newOrder)
        await ds.query(`INSERT INTO released_facts (release_id, order_ref, subject_ref, brand_id, status, amount_cents, ordered_at, skus, categories, hour_cn)
        SELECT bench_v4('r' || i), bench_v4('new' || ${round} || '-' || i), bench_v4('m' || i), 'demo', 'paid', 15000, now() - interval '1 hour', ARRAY['运动-1'], ARRAY['运动'], 12
          FROM (${members}) x`);
      await ds.query(
        `INSERT INTO dirty_members (subject_ref, brand_id) SELECT unnest($1::uuid[]), 'demo' ON CONFLICT DO NOTHING`,
        [changed],
      );
      // The same batch through the previous design's statements and through the current ones, each
      // in a transaction rolled back afterwards (best of two, alternating), then the real refresh.
      let previousMs = Infinity;
      let currentMs = Infinity;
      for (let i = 0; i < 2; i++) {
        currentMs = Math.min(currentMs, await rolledBack((tx) => refresh['refreshBatch'](tx, 20_000)));
        previousMs = Math.min(previousMs, await rolledBack((tx) => previousRefreshBatch(tx)));
      }
      const [{ last }] = await ds.query('SELECT COALESCE(max(id), 0) AS last FROM outbox');
      const tags = await time(() =>
        PROFILE ? statementProfile(() => refresh.execute()) : refresh.execute(),
      );
      const segs = await time(() =>
        PROFILE ? statementProfile(() => segmentRefresh.execute()) : segmentRefresh.execute(),
      );
      const events: { topic: string; n: number; bytes: string }[] = await ds.query(
        `SELECT topic, count(*)::int AS n, sum(length(payload))::bigint AS bytes FROM outbox WHERE id > $1 GROUP BY topic ORDER BY topic`,
        [last],
      );
      const handFacts = await best(() =>
        ds.query(
          `SELECT count(*) FROM (SELECT rf.subject_ref, max(rf.ordered_at), count(*), sum(rf.amount_cents),
                  count(*) FILTER (WHERE rf.ordered_at > now() - interval '180 days' AND '运动' = ANY(rf.categories)),
                  sum(rf.amount_cents) FILTER (WHERE rf.ordered_at > now() - interval '365 days'),
                  array_agg(rf.order_ref ORDER BY rf.ordered_at DESC)
             FROM released_facts rf JOIN members m ON m.subject_ref = rf.subject_ref
            WHERE rf.subject_ref = ANY($1::uuid[]) AND NOT rf.sensitive
              AND m.grants && ARRAY['personalisation:sms', 'personalisation:wechat', 'personalisation:wecom']
            GROUP BY rf.subject_ref) x`,
          [changed],
        ),
      );
      // Both hand-written forms: correlated EXISTS (a few probes per member, as the refresh's row
      // form) and uncorrelated IN sets (built whole, whatever the number of members).
      const handOn = (form: Record<keyof typeof HAND, string>) =>
        best(() =>
          evaluate(async (tx) => {
            for (const sg of saved)
              await tx.query(
                `SELECT m.subject_ref ${form[sg.name as keyof typeof HAND]} AND m.subject_ref = ANY($1::uuid[])`,
                [changed],
              );
          }),
        );
      const handRows = await handOn(HAND);
      const handSets = await handOn(HAND_IN);
      // The IN-set form with every subquery restricted to the changed members' rows (what the
      // refresh's among form compiles to), by hand.
      const handAmong = await handOn(
        Object.fromEntries(
          Object.entries(HAND_IN).map(([k, v]) => [
            k,
            v
              .replaceAll(
                'FROM member_tags t WHERE',
                'FROM member_tags t WHERE t.subject_ref = ANY($1::uuid[]) AND',
              )
              .replaceAll(
                'FROM released_facts f WHERE',
                'FROM released_facts f WHERE f.subject_ref = ANY($1::uuid[]) AND',
              ),
          ]),
        ) as Record<keyof typeof HAND, string>,
      );
      const whole = await best(() =>
        evaluate(async (tx) => {
          for (const sg of saved) await segments.count(tx, await compiler.compile(tx, sg));
        }),
      );
      console.log(
        `\n${n.toLocaleString('en')} members ${newOrder ? 'changed (a new order each)' : 'marked dirty again, no new fact (nothing to write)'}, round ${round}:` +
          `\n  tag refresh (features + every tag of ${tags.value.toLocaleString('en')} members)     ${fmt(tags.ms)}` +
          `   | rolled back: current ${fmt(currentMs)}, previous design ${fmt(previousMs)} (${(currentMs / previousMs).toFixed(2)}×)` +
          `   | hand-written read + aggregation of their facts ${fmt(handFacts.ms)}` +
          `\n  automatic refresh of the ${saved.length} segments, ${segmentRefresh === refreshSegments ? (options.segmentRefreshWorkers ?? DEFAULT_SEGMENT_REFRESH_WORKERS) : 1} at a time  ${fmt(segs.ms)}` +
          `   | hand-written predicates on the changed members: EXISTS form ${fmt(handRows.ms)}, IN-set form ${fmt(handSets.ms)}, IN-set over their rows only ${fmt(handAmong.ms)}` +
          `   | whole evaluation of the ${saved.length} (full refresh's read) ${fmt(whole.ms)}` +
          `\n  incremental total ${fmt(tags.ms + segs.ms)}; events: ${events.map((e) => `${e.n} × ${e.topic} (${(Number(e.bytes) / 1024).toFixed(1)} KiB)`).join(', ') || 'none'}`,
      );
      for (const r of segs.value)
        console.log(
          `    ${(await segments.find(ds.manager, 'demo', r.segmentId))!.name.padEnd(12)} ${r.evaluated}: ${r.version ? `v${r.version.version} size ${r.version.size.toLocaleString('en')}, +${r.version.joined} −${r.version.left}` : 'no change, no new version'}`,
        );
    }
    for (let i = 0; i < 3; i++) await changeAndRefresh(FEW);
    await changeAndRefresh(CHANGES);
    // The same members again (same start): recomputed, every value as stored.
    round--;
    await changeAndRefresh(CHANGES, false);
    // Same-run comparison of the segment refresh: 10,000 other members, their segments one at a time,
    // then 10,000 more, side by side.
    await changeAndRefresh(CHANGES, true, refreshSegmentsOneByOne);
    await changeAndRefresh(CHANGES, true, refreshSegments);
    const seg = saved[0];
    const after = await time(() =>
      evaluate(async (tx) => segments.count(tx, await compiler.compile(tx, seg))),
    );
    console.log(`${seg.name} count right after: ${after.value.toLocaleString('en')} in ${fmt(after.ms)}`);
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
