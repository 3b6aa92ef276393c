import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The send gate's inputs that do not depend on the clock: a change to any of them is logged. */
const GATE_INPUTS = ['consent_projection', 'contact_points', 'suppressions', 'recipient_time_zones'];

/**
 * Clearance at planning (issue 17 §6, ADR 0018). A run's plan decides, set-wise and in the same
 * statement that inserts its sends, which members pass the gate's clock-independent checks (consent
 * active, not suppressed, under the frequency cap; the contact point is read at dispatch) and marks those sends
 * `cleared`; the run keeps that statement's snapshot (`plan_snapshot`). The gate at dispatch then
 * trusts a cleared send only while nothing it rests on changed after that snapshot:
 * - `gate_changes` logs, by transaction id, every member whose consent row, contact point,
 *   suppressions or zone changed (a statement trigger on each table, so no writer can forget it),
 *   and every chunk a gate statement admitted (run, channel, purpose: another run may have moved a
 *   member's frequency-cap counter);
 * - a change whose transaction the plan's snapshot does not see (committed after it, or running
 *   while it was taken) sends the member, or for another run's admissions the whole chunk, through
 *   every probe again, at dispatch, exactly as before.
 * Nothing refused is decided early: a member the plan did not clear is decided at dispatch as before.
 * Entries are kept one day (a plan's clearance is trusted one hour), then pruned by the runner.
 */
export class OutreachGateClearance1763900003660 implements MigrationInterface {
  name = 'OutreachGateClearance1763900003660';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sends ADD COLUMN cleared boolean NOT NULL DEFAULT false');
    await q.query(
      'ALTER TABLE campaign_runs ADD COLUMN plan_snapshot pg_snapshot, ADD COLUMN planned_at timestamptz',
    );
    await q.query(`
      CREATE TABLE gate_changes (
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        subject_ref uuid,
        run_id uuid,
        channel text,
        purpose text,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((subject_ref IS NULL) <> (run_id IS NULL))
      )`);
    await q.query('CREATE INDEX gate_changes_by_xid ON gate_changes (xid)');
    await q.query(`
      CREATE FUNCTION log_gate_input_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          INSERT INTO gate_changes (subject_ref) SELECT DISTINCT subject_ref FROM old_rows;
        ELSE
          INSERT INTO gate_changes (subject_ref) SELECT DISTINCT subject_ref FROM new_rows;
        END IF;
        RETURN NULL;
      END
      $fn$`);
    // Resolved in this migration's schema, whoever writes (an operator's repair, a test fixture).
    await q.query('ALTER FUNCTION log_gate_input_change() SET search_path FROM CURRENT');
    for (const table of GATE_INPUTS)
      for (const op of ['INSERT', 'UPDATE', 'DELETE'] as const)
        await q.query(
          `CREATE TRIGGER ${table}_gate_change_${op.toLowerCase()} AFTER ${op} ON ${table}
             REFERENCING ${op === 'DELETE' ? 'OLD' : 'NEW'} TABLE AS ${op === 'DELETE' ? 'old_rows' : 'new_rows'}
             FOR EACH STATEMENT EXECUTE FUNCTION log_gate_input_change()`,
        );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of GATE_INPUTS)
      for (const op of ['insert', 'update', 'delete'])
        await q.query(`DROP TRIGGER ${table}_gate_change_${op} ON ${table}`);
    await q.query('DROP FUNCTION log_gate_input_change()');
    await q.query('DROP TABLE gate_changes');
    await q.query('ALTER TABLE campaign_runs DROP COLUMN plan_snapshot, DROP COLUMN planned_at');
    await q.query('ALTER TABLE sends DROP COLUMN cleared');
  }
}
