import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A counter row after a delta: later entries win (a send that moved), nulls (sends that stopped counting) drop out. */
const MERGE = (cur: string, delta: string) =>
  `CASE WHEN pg_column_size(${cur}) <= 2048 THEN jsonb_strip_nulls(${cur} || ${delta})
        ELSE send_counters_prune(${cur} || ${delta}) END`;

/**
 * Frequency caps read one row per member × channel × purpose (`send_counters`) instead of probing
 * the sends table per recipient (issue 17 §4, the gate's largest check). Each row maps the send id
 * of every send that counts (submitting, submitted, unknown, delivered: REACHED_STATES) to its
 * dispatch time as epoch seconds, so any window stays exact (30 rolling days to the microsecond, the
 * natural month in the member's zone). A trigger keeps it in the same transaction as the send's
 * state change, whoever writes it (gate, outcomes, receipts, reconcile, erasure): a crash or a
 * rollback undoes both or neither. Entries older than 400 days are cut from a row once it outgrows
 * 2 kB (no cap window may exceed 400 days; the gate refuses such a configuration).
 */
export class OutreachSendCounters1763900003640 implements MigrationInterface {
  name = 'OutreachSendCounters1763900003640';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE send_counters (
        subject_ref uuid NOT NULL,
        channel text NOT NULL,
        purpose text NOT NULL,
        reached jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (subject_ref, channel, purpose)
      )`);
    // One statement per UPDATE of sends (transition tables), not one call per row: the gate's chunk
    // UPDATE fires it once. The delta maps each send that entered the counted set (or whose dispatch
    // time moved) to its time, and each that left it (failed, back to planned, another member) to a
    // JSON null, which the merge drops.
    await q.query(`
      CREATE FUNCTION count_reached_sends() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO send_counters AS c (subject_ref, channel, purpose, reached)
          SELECT n.subject_ref, n.channel, n.purpose, jsonb_object_agg(n.send_id, extract(epoch FROM n.dispatched_at))
            FROM new_sends n
           WHERE n.state IN ('submitting', 'submitted', 'unknown', 'delivered') AND n.dispatched_at IS NOT NULL
           GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT (subject_ref, channel, purpose) DO UPDATE
            SET reached = ${MERGE('c.reached', 'EXCLUDED.reached')};
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO send_counters AS c (subject_ref, channel, purpose, reached)
          SELECT d.subject_ref, d.channel, d.purpose, jsonb_object_agg(d.send_id, d.at)
            FROM (
              SELECT n.subject_ref, n.channel, n.purpose, n.send_id, to_jsonb(extract(epoch FROM n.dispatched_at)) AS at
                FROM new_sends n JOIN old_sends o ON o.send_id = n.send_id
               WHERE n.state IN ('submitting', 'submitted', 'unknown', 'delivered') AND n.dispatched_at IS NOT NULL
                 AND NOT (o.state IN ('submitting', 'submitted', 'unknown', 'delivered')
                          AND o.dispatched_at IS NOT DISTINCT FROM n.dispatched_at
                          AND (o.subject_ref, o.channel, o.purpose) = (n.subject_ref, n.channel, n.purpose))
              UNION ALL
              SELECT o.subject_ref, o.channel, o.purpose, o.send_id, 'null'::jsonb
                FROM old_sends o JOIN new_sends n ON n.send_id = o.send_id
               WHERE o.state IN ('submitting', 'submitted', 'unknown', 'delivered') AND o.dispatched_at IS NOT NULL
                 AND NOT (n.state IN ('submitting', 'submitted', 'unknown', 'delivered') AND n.dispatched_at IS NOT NULL
                          AND (o.subject_ref, o.channel, o.purpose) = (n.subject_ref, n.channel, n.purpose))
            ) d
           GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
          ON CONFLICT (subject_ref, channel, purpose) DO UPDATE
            SET reached = ${MERGE('c.reached', 'EXCLUDED.reached')};
        ELSE
          UPDATE send_counters c SET reached = ${MERGE('c.reached', 'd.gone')}
            FROM (SELECT o.subject_ref, o.channel, o.purpose, jsonb_object_agg(o.send_id, 'null'::jsonb) AS gone
                    FROM old_sends o
                   WHERE o.state IN ('submitting', 'submitted', 'unknown', 'delivered') AND o.dispatched_at IS NOT NULL
                   GROUP BY 1, 2, 3) d
           WHERE (c.subject_ref, c.channel, c.purpose) = (d.subject_ref, d.channel, d.purpose);
        END IF;
        RETURN NULL;
      END
      $fn$`);
    // The trigger runs in whoever writes `sends` (a repair by an operator on an admin connection, a
    // test's fixture): its table names resolve in the schema this migration ran in, not in the
    // writer's search_path (campaign-results-timeline.int-spec.ts writes sends that way).
    await q.query('ALTER FUNCTION count_reached_sends() SET search_path FROM CURRENT');
    // Entries older than the 400-day horizon, cut from a row (with the nulls of sends that stopped
    // counting). Called only once a row outgrows 2 kB (~35 entries): scanning every entry on every
    // write cost more than the whole gate check, and the gate's window ignores old entries anyway.
    await q.query(`
      CREATE FUNCTION send_counters_prune(merged jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $fn$
        SELECT coalesce(jsonb_object_agg(k, v), '{}'::jsonb)
          FROM jsonb_each(merged) AS e (k, v)
         WHERE v >= to_jsonb(extract(epoch FROM now() - interval '400 days'))
      $fn$`);
    for (const op of ['INSERT', 'UPDATE', 'DELETE'] as const) {
      const tables =
        op === 'INSERT'
          ? 'NEW TABLE AS new_sends'
          : op === 'DELETE'
            ? 'OLD TABLE AS old_sends'
            : 'OLD TABLE AS old_sends NEW TABLE AS new_sends';
      await q.query(
        `CREATE TRIGGER sends_count_reached_${op.toLowerCase()} AFTER ${op} ON sends
           REFERENCING ${tables} FOR EACH STATEMENT EXECUTE FUNCTION count_reached_sends()`,
      );
    }
    await backfillSendCounters(q);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const op of ['insert', 'update', 'delete'])
      await q.query(`DROP TRIGGER sends_count_reached_${op} ON sends`);
    await q.query('DROP FUNCTION count_reached_sends(), send_counters_prune(jsonb)');
    await q.query('DROP TABLE send_counters');
  }
}

/** The counters from the sends already stored (the migration's own step; tests call it again). */
export async function backfillSendCounters(q: { query: (sql: string) => Promise<unknown> }): Promise<void> {
  await q.query(`
    INSERT INTO send_counters AS c (subject_ref, channel, purpose, reached)
    SELECT subject_ref, channel, purpose, jsonb_object_agg(send_id, extract(epoch FROM dispatched_at))
      FROM sends
     WHERE state IN ('submitting', 'submitted', 'unknown', 'delivered')
       AND dispatched_at >= now() - interval '400 days'
     GROUP BY 1, 2, 3
    ON CONFLICT (subject_ref, channel, purpose) DO UPDATE SET reached = EXCLUDED.reached`);
}
