import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Materialised segments refresh themselves and keep every version, at the cost of what changed:
 * - segment_members holds one row per stretch of versions a member was in (`from_version` up to,
 *   not including, `to_version`; NULL = still in the latest), so a refresh writes only who joined
 *   and who left, and version v stays readable for a campaign pinned to it;
 * - segment_versions records each version (size, joined, left, full or incremental);
 * - members carries a copy of its active consents (`grants`, 'purpose:channel') and closed tag
 *   categories, written in the transaction that changes member_consents / member_category_optouts,
 *   so a segment's guards are filters on the members scan instead of joins with those tables
 *   (two hash joins over every consent row were most of a count's time at 1M members);
 * - member_changes is the log of members whose features/tags were recomputed (facts, consents or
 *   opt-outs changed): an incremental refresh re-evaluates only the members logged since the
 *   segment's `change_seq`.
 */
export class SegmentVersionsAndChangeLog1763900000203 implements MigrationInterface {
  name = 'SegmentVersionsAndChangeLog1763900000203';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      "ALTER TABLE members ADD COLUMN grants text[] NOT NULL DEFAULT '{}', ADD COLUMN closed_categories text[] NOT NULL DEFAULT '{}'",
    );
    await q.query(`
      UPDATE members m SET
        grants = COALESCE((SELECT array_agg(c.purpose || ':' || c.channel ORDER BY 1) FROM member_consents c
                            WHERE c.subject_ref = m.subject_ref AND c.granted), '{}'),
        closed_categories = COALESCE((SELECT array_agg(o.category ORDER BY 1) FROM member_category_optouts o
                                       WHERE o.subject_ref = m.subject_ref), '{}')`);
    await q.query('ALTER TABLE segment_members RENAME COLUMN version TO from_version');
    await q.query('ALTER TABLE segment_members ADD COLUMN to_version int');
    // Rows of earlier versions covered exactly their own version.
    await q.query(`
      UPDATE segment_members sm SET to_version = sm.from_version + 1
        FROM segments s WHERE s.id = sm.segment_id AND sm.from_version < s.version`);
    await q.query(
      'CREATE INDEX segment_members_current ON segment_members (segment_id, subject_ref) WHERE to_version IS NULL',
    );
    await q.query(`
      ALTER TABLE segments
        ADD COLUMN auto_refresh boolean NOT NULL DEFAULT true,
        ADD COLUMN change_seq bigint NOT NULL DEFAULT 0,
        ADD COLUMN evaluated_at timestamptz`);
    await q.query(`
      CREATE TABLE segment_versions (
        segment_id uuid NOT NULL,
        version int NOT NULL,
        kind text NOT NULL CHECK (kind IN ('full', 'incremental')),
        size int NOT NULL,
        joined int NOT NULL,
        left_count int NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (segment_id, version)
      )`);
    await q.query(`
      INSERT INTO segment_versions (segment_id, version, kind, size, joined, left_count, created_by)
      SELECT sm.segment_id, sm.from_version, 'full', count(*), count(*), 0, 'migration'
        FROM segment_members sm GROUP BY sm.segment_id, sm.from_version`);
    await q.query(`
      CREATE TABLE member_changes (
        seq bigserial PRIMARY KEY,
        brand_id text NOT NULL,
        subject_ref uuid NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX member_changes_subject ON member_changes (subject_ref)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE member_changes, segment_versions');
    await q.query(
      'ALTER TABLE segments DROP COLUMN auto_refresh, DROP COLUMN change_seq, DROP COLUMN evaluated_at',
    );
    await q.query('DROP INDEX segment_members_current');
    await q.query('DELETE FROM segment_members WHERE to_version IS NOT NULL');
    await q.query('ALTER TABLE segment_members DROP COLUMN to_version');
    await q.query('ALTER TABLE segment_members RENAME COLUMN from_version TO version');
    await q.query('ALTER TABLE members DROP COLUMN grants, DROP COLUMN closed_categories');
  }
}
