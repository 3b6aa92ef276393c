import type { EntityManager } from 'typeorm';
import type { BlindIndex } from '@siyu/crypto';

/** R1: an external_userid is personal though opaque; only its keyed blind index is stored here. */
export function externalUserIndex(index: BlindIndex, brandId: string, externalUserId: string): string {
  return index.compute(`wecom-external:${brandId}`, externalUserId);
}

/**
 * external_userid → subject bindings (written by a grant through the WeCom door), so a customer
 * deleting the staff member withdraws what they granted; and the callbacks received, once each.
 */
export class WecomBindingRepository {
  /** A later grant from the same WeCom contact wins. */
  async bind(tx: EntityManager, brandId: string, externalIndex: string, subjectRef: string): Promise<void> {
    await tx.query(
      `INSERT INTO wecom_bindings (brand_id, external_index, subject_ref) VALUES ($1, $2, $3)
       ON CONFLICT (brand_id, external_index) DO UPDATE SET subject_ref = EXCLUDED.subject_ref, bound_at = now()`,
      [brandId, externalIndex, subjectRef],
    );
  }

  async findBoundSubject(tx: EntityManager, brandId: string, externalIndex: string): Promise<string | null> {
    const [row] = await tx.query(
      'SELECT subject_ref FROM wecom_bindings WHERE brand_id = $1 AND external_index = $2',
      [brandId, externalIndex],
    );
    return row?.subject_ref ?? null;
  }

  /** False when WeCom already pushed this event (it retries a push it got no answer to). */
  async recordEventOnce(
    tx: EntityManager,
    e: { brandId: string; externalIndex: string; changeType: string; createTime: number },
  ): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO wecom_events (brand_id, external_index, change_type, created_at_wecom)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (brand_id, external_index, change_type, created_at_wecom) DO NOTHING RETURNING id`,
      [e.brandId, e.externalIndex, e.changeType, e.createTime],
    );
    return rows.length === 1;
  }
}
