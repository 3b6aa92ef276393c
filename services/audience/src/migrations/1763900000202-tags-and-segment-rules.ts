import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tags (fact → model → prediction) with lineage, rule-based segments, materialised memberships and
 * the customer's per-category opt-outs (R10–R12). Everything derived is keyed by subject_ref so a
 * revoke, a withdrawal or a closed category deletes exactly what rested on it, in one transaction.
 */
export class TagsAndSegmentRules1763900000202 implements MigrationInterface {
  name = 'TagsAndSegmentRules1763900000202';

  async up(q: QueryRunner): Promise<void> {
    // Lineage: the consent ledger entry a grant came from (cleared when the pair is withdrawn).
    await q.query(
      'ALTER TABLE member_consents ADD COLUMN evidence_ref uuid, ADD COLUMN effective_at timestamptz',
    );
    await q.query(`
      ALTER TABLE released_facts
        ADD COLUMN brand_id text,
        ADD COLUMN categories text[] NOT NULL DEFAULT '{}',
        ADD COLUMN sensitive boolean NOT NULL DEFAULT false,
        ADD COLUMN hour_cn smallint,
        ADD COLUMN released_at timestamptz NOT NULL DEFAULT now()`);
    await q.query('CREATE INDEX released_facts_subject_time ON released_facts (subject_ref, ordered_at)');
    await q.query('CREATE INDEX released_facts_time ON released_facts (ordered_at)');
    // The brand's product catalogue (non-personal): SKU prefix → category; sensitive per R2.
    await q.query(`
      CREATE TABLE product_categories (
        brand_id text NOT NULL,
        sku_prefix text NOT NULL,
        category text NOT NULL,
        sensitive boolean NOT NULL DEFAULT false,
        PRIMARY KEY (brand_id, sku_prefix)
      )`);
    // Members whose facts, consents or opt-outs changed since their tags were computed.
    await q.query(`
      CREATE TABLE dirty_members (
        subject_ref uuid PRIMARY KEY,
        brand_id text NOT NULL,
        marked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE member_features (
        subject_ref uuid PRIMARY KEY,
        brand_id text NOT NULL,
        -- A column is NULL while the member keeps its tag category closed (R11): deleted, not hidden.
        first_order_at timestamptz,
        last_order_at timestamptz,
        recency_days int,
        orders_total int,
        orders_30d int,
        orders_90d int,
        orders_180d int,
        orders_365d int,
        monetary_total_cents bigint,
        monetary_90d_cents bigint,
        monetary_365d_cents bigint,
        night_share real,
        hour_band text,
        categories_365d text[],
        release_ids uuid[] NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tag_definitions (
        brand_id text NOT NULL,
        key text NOT NULL,
        version int NOT NULL,
        layer text NOT NULL CHECK (layer IN ('fact', 'model', 'prediction')),
        category text NOT NULL,
        personalised boolean NOT NULL,
        sensitive boolean NOT NULL,
        spending_power boolean NOT NULL,
        definition jsonb NOT NULL,
        labels jsonb NOT NULL,
        current boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, key, version)
      )`);
    await q.query(
      'CREATE UNIQUE INDEX tag_definitions_current ON tag_definitions (brand_id, key) WHERE current',
    );
    await q.query(`
      CREATE TABLE member_tags (
        subject_ref uuid NOT NULL,
        brand_id text NOT NULL,
        tag_key text NOT NULL,
        tag_version int NOT NULL,
        category text NOT NULL,
        value_num double precision,
        value_text text,
        inputs jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject_ref, tag_key)
      )`);
    await q.query('CREATE INDEX member_tags_num ON member_tags (tag_key, value_num, subject_ref)');
    await q.query('CREATE INDEX member_tags_text ON member_tags (tag_key, value_text, subject_ref)');
    // Prediction models: coefficients with their version and the training window they came from.
    await q.query(`
      CREATE TABLE tag_models (
        brand_id text NOT NULL,
        tag_key text NOT NULL,
        model_version int NOT NULL,
        tag_version int NOT NULL,
        features text[] NOT NULL,
        coefficients jsonb NOT NULL,
        training_window jsonb NOT NULL,
        metrics jsonb NOT NULL,
        trained_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, tag_key, model_version)
      )`);
    // R11: categories the member closed in the preference centre (the state, not a history).
    await q.query(`
      CREATE TABLE member_category_optouts (
        subject_ref uuid NOT NULL,
        brand_id text NOT NULL,
        category text NOT NULL,
        closed_at timestamptz NOT NULL,
        PRIMARY KEY (subject_ref, category)
      )`);
    // Last preference event applied per member: an older one never overrides a newer one.
    await q.query(`
      CREATE TABLE member_preference_marks (
        subject_ref uuid PRIMARY KEY,
        changed_at timestamptz NOT NULL
      )`);
    // The tag categories a rule selects by: closing one removes the member from its memberships.
    await q.query(
      "ALTER TABLE segments ADD COLUMN rule jsonb, ADD COLUMN categories text[] NOT NULL DEFAULT '{}'",
    );
    await q.query(`
      CREATE TABLE segment_members (
        segment_id uuid NOT NULL,
        version int NOT NULL,
        subject_ref uuid NOT NULL,
        PRIMARY KEY (segment_id, version, subject_ref)
      )`);
    await q.query('CREATE INDEX segment_members_subject ON segment_members (subject_ref)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE segment_members, member_preference_marks, member_category_optouts, tag_models, member_tags, tag_definitions, member_features, dirty_members, product_categories',
    );
    await q.query('ALTER TABLE segments DROP COLUMN rule, DROP COLUMN categories');
    await q.query(
      'ALTER TABLE released_facts DROP COLUMN brand_id, DROP COLUMN categories, DROP COLUMN sensitive, DROP COLUMN hour_cn, DROP COLUMN released_at',
    );
    await q.query('ALTER TABLE member_consents DROP COLUMN evidence_ref, DROP COLUMN effective_at');
  }
}
