import type { EntityManager } from 'typeorm';
import type { Channel, Purpose, TagCategory } from '@siyu/contracts';

/** One saved segment as the list shows it: no rule evaluation, so the page stays cheap. */
export interface SegmentListItem {
  id: string;
  name: string;
  purpose: Purpose;
  channel: Channel;
  categories: TagCategory[];
  version: number;
  autoRefresh: boolean;
  createdAt: string;
  /** The latest materialised version's size and time (null: never materialised). */
  size: number | null;
  materializedAt: string | null;
}

/** Read-only: a brand's segments, newest first, one page at a time (keyset on created_at, id). */
export class SegmentListRepository {
  async page(
    tx: EntityManager,
    brandId: string,
    limit: number,
    after?: string,
  ): Promise<{ items: SegmentListItem[]; next: string | null }> {
    const rows: {
      id: string;
      name: string;
      purpose: Purpose;
      channel: Channel;
      categories: TagCategory[];
      version: number;
      auto_refresh: boolean;
      created_at: Date;
      size: number | null;
      materialized_at: Date | null;
    }[] = await tx.query(
      `SELECT s.id, s.name, s.purpose, s.channel, s.categories, s.version, s.auto_refresh, s.created_at,
              v.size, v.created_at AS materialized_at
         FROM segments s
         LEFT JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.version
        WHERE s.brand_id = $1
          AND ($2::uuid IS NULL OR (s.created_at, s.id) <
               (SELECT created_at, id FROM segments WHERE id = $2::uuid AND brand_id = $1))
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT $3`,
      [brandId, after ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: r.id,
      name: r.name,
      purpose: r.purpose,
      channel: r.channel,
      categories: r.categories,
      version: r.version,
      autoRefresh: r.auto_refresh,
      createdAt: r.created_at.toISOString(),
      size: r.size,
      materializedAt: r.materialized_at ? r.materialized_at.toISOString() : null,
    }));
    return { items, next: rows.length > limit ? items[items.length - 1].id : null };
  }

  async exists(tx: EntityManager, brandId: string, id: string): Promise<boolean> {
    const rows = await tx.query('SELECT 1 FROM segments WHERE id = $1 AND brand_id = $2', [id, brandId]);
    return rows.length > 0;
  }
}
