import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Channel, Purpose, TagCategory } from '@siyu/contracts';
import { evaluationLockKey } from '../members/member-data.repository';
import type { Rule } from '../rule-language/rule';
import type { SegmentQuery } from './segment-query';

export interface Segment {
  id: string;
  brandId: string;
  name: string;
  purpose: Purpose;
  channel: Channel;
  /** null: a broadcast to everyone with consent for the purpose and channel. */
  rule: Rule | null;
  categories: TagCategory[];
  version: number;
}

const COLUMNS = 'id, brand_id, name, purpose, channel, rule, categories, version';
const toSegment = (r: {
  id: string;
  brand_id: string;
  name: string;
  purpose: Purpose;
  channel: Channel;
  rule: Rule | null;
  categories: TagCategory[];
  version: number;
}): Segment => ({
  id: r.id,
  brandId: r.brand_id,
  name: r.name,
  purpose: r.purpose,
  channel: r.channel,
  rule: r.rule,
  categories: r.categories,
  version: r.version,
});

export class SegmentRepository {
  async create(tx: EntityManager, s: Omit<Segment, 'id' | 'version'>, createdBy: string): Promise<Segment> {
    const id = randomUUID();
    await tx.query(
      `INSERT INTO segments (id, brand_id, name, purpose, channel, rule, categories, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        s.brandId,
        s.name,
        s.purpose,
        s.channel,
        s.rule === null ? null : JSON.stringify(s.rule),
        s.categories,
        createdBy,
      ],
    );
    return { ...s, id, version: 0 };
  }

  async find(tx: EntityManager, brandId: string, id: string): Promise<Segment | null> {
    const [r] = await tx.query(`SELECT ${COLUMNS} FROM segments WHERE id = $1 AND brand_id = $2`, [
      id,
      brandId,
    ]);
    return r ? toSegment(r) : null;
  }

  async list(tx: EntityManager, brandId: string): Promise<Segment[]> {
    const rows = await tx.query(
      `SELECT ${COLUMNS} FROM segments WHERE brand_id = $1 ORDER BY created_at DESC`,
      [brandId],
    );
    return rows.map(toSegment);
  }

  /** The compiled segment query, counted (the same text materialisation runs). */
  async count(tx: EntityManager, q: SegmentQuery): Promise<number> {
    const [{ n }] = await tx.query(`SELECT count(*)::int AS n ${q.fromWhere}`, q.params.values);
    return n;
  }

  /** A few matching subject refs (never contact data: audience holds none). */
  async sample(tx: EntityManager, q: SegmentQuery, size: number): Promise<string[]> {
    const rows: { subject_ref: string }[] = await tx.query(
      `SELECT m.subject_ref ${q.fromWhere} LIMIT ${Math.max(1, Math.min(100, Math.floor(size)))}`,
      q.params.values,
    );
    return rows.map((r) => r.subject_ref);
  }

  /** Waits for member data changes in flight; holds new ones back until this transaction ends. */
  async holdEvaluation(tx: EntityManager, brandId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [evaluationLockKey(brandId)]);
  }

  /** Freezes the members of a version in one INSERT … SELECT; returns its size. */
  async materialize(tx: EntityManager, segmentId: string, version: number, q: SegmentQuery): Promise<number> {
    const n = q.params.values.length;
    const rows: unknown[] = await tx.query(
      `INSERT INTO segment_members (segment_id, version, subject_ref)
       SELECT $${n + 1}::uuid, $${n + 2}::int, m.subject_ref ${q.fromWhere}`,
      [...q.params.values, segmentId, version],
    );
    void rows;
    const [{ size }] = await tx.query(
      'SELECT count(*)::int AS size FROM segment_members WHERE segment_id = $1 AND version = $2',
      [segmentId, version],
    );
    return size;
  }

  async membersOf(tx: EntityManager, segmentId: string, version: number): Promise<string[]> {
    const rows: { subject_ref: string }[] = await tx.query(
      'SELECT subject_ref FROM segment_members WHERE segment_id = $1 AND version = $2 ORDER BY subject_ref',
      [segmentId, version],
    );
    return rows.map((r) => r.subject_ref);
  }

  async nextVersion(tx: EntityManager, id: string): Promise<number> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows] = await tx.query(
      'UPDATE segments SET version = version + 1 WHERE id = $1 RETURNING version',
      [id],
    );
    return rows[0].version;
  }

  /** For explain: the value of each guard and rule node for one member, from the same compiled SQL. */
  async explainRow(
    tx: EntityManager,
    q: SegmentQuery,
    nodeSql: string[],
    subjectRef: string,
  ): Promise<{ guards: boolean[]; nodes: boolean[] } | null> {
    const values = [...q.params.values, subjectRef];
    const cols = [...q.guards.map((g, i) => `${g.sql} AS g${i}`), ...nodeSql.map((s, i) => `${s} AS n${i}`)];
    const [row] = await tx.query(
      `SELECT true AS member${cols.length ? ', ' + cols.join(', ') : ''}
         FROM members m LEFT JOIN member_features f ON f.subject_ref = m.subject_ref
        WHERE m.brand_id = $1 AND m.subject_ref = $${values.length}::uuid`,
      values,
    );
    if (!row) return null;
    return { guards: q.guards.map((_, i) => row[`g${i}`]), nodes: nodeSql.map((_, i) => row[`n${i}`]) };
  }
}
