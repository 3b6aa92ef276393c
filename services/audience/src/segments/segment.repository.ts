import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';

export interface Segment {
  id: string;
  brandId: string;
  name: string;
  purpose: Purpose;
  channel: Channel;
  version: number;
}

const MEMBERS_OF = `
  FROM members m JOIN member_consents c ON c.subject_ref = m.subject_ref
 WHERE m.brand_id = $1 AND c.purpose = $2 AND c.channel = $3 AND c.granted`;

export class SegmentRepository {
  async create(tx: EntityManager, s: Omit<Segment, 'id' | 'version'>, createdBy: string): Promise<Segment> {
    const id = randomUUID();
    await tx.query(
      'INSERT INTO segments (id, brand_id, name, purpose, channel, created_by) VALUES ($1, $2, $3, $4, $5, $6)',
      [id, s.brandId, s.name, s.purpose, s.channel, createdBy],
    );
    return { ...s, id, version: 0 };
  }

  async find(tx: EntityManager, brandId: string, id: string): Promise<Segment | null> {
    const [r] = await tx.query(
      'SELECT id, brand_id, name, purpose, channel, version FROM segments WHERE id = $1 AND brand_id = $2',
      [id, brandId],
    );
    return r
      ? {
          id: r.id,
          brandId: r.brand_id,
          name: r.name,
          purpose: r.purpose,
          channel: r.channel,
          version: r.version,
        }
      : null;
  }

  /** Counts only members whose consent for the segment's purpose and channel is active now. */
  async count(tx: EntityManager, s: Segment): Promise<number> {
    const [{ n }] = await tx.query(`SELECT count(*)::int AS n ${MEMBERS_OF}`, [
      s.brandId,
      s.purpose,
      s.channel,
    ]);
    return n;
  }

  async members(tx: EntityManager, s: Segment): Promise<string[]> {
    const rows = await tx.query(`SELECT m.subject_ref ${MEMBERS_OF} ORDER BY m.subject_ref`, [
      s.brandId,
      s.purpose,
      s.channel,
    ]);
    return rows.map((r: { subject_ref: string }) => r.subject_ref);
  }

  async nextVersion(tx: EntityManager, id: string): Promise<number> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows] = await tx.query(
      'UPDATE segments SET version = version + 1 WHERE id = $1 RETURNING version',
      [id],
    );
    return rows[0].version;
  }
}
