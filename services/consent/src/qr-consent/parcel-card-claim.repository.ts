import type { EntityManager } from 'typeorm';

/** Which orders' parcel cards have already linked a consenting subject (one per order). */
export class ParcelCardClaimRepository {
  /**
   * Claims the order's card in the caller's transaction; false when it was already claimed. A
   * concurrent claim of the same order waits here on the primary key until the first commits (then
   * answers false) or rolls back (then claims it).
   */
  async claim(tx: EntityManager, brandId: string, orderRef: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO parcel_card_claims (brand_id, order_ref) VALUES ($1, $2)
       ON CONFLICT (brand_id, order_ref) DO NOTHING RETURNING 1`,
      [brandId, orderRef],
    );
    return rows.length > 0;
  }
}
