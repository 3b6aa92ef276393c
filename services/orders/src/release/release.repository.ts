import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Platform, ReleasedOrderFact } from '@siyu/contracts';

export interface Release {
  releaseId: string;
  subjectRef: string;
  brandId: string;
  buyerPseudonym: string;
  sensitiveAllowed: boolean;
}

/** Why a release was closed: the customer withdrew, or the shop's platform agreement no longer allows it (R8). */
export type RevocationReason = 'consent_withdrawn' | 'platform_agreement';

const RELEASE_COLUMNS = 'release_id, subject_ref, brand_id, buyer_pseudonym, sensitive_allowed';

export class ReleaseRepository {
  /** A buyer pseudonym belongs to one platform shop (it is keyed by platform and shop). */
  async shopOfBuyer(
    tx: EntityManager,
    buyerPseudonym: string,
  ): Promise<{ platform: Platform; shopId: string } | null> {
    const [row]: { platform: Platform; shop_id: string }[] = await tx.query(
      'SELECT platform, shop_id FROM orders WHERE buyer_pseudonym = $1 LIMIT 1',
      [buyerPseudonym],
    );
    return row ? { platform: row.platform, shopId: row.shop_id } : null;
  }

  async buyerOfOrder(tx: EntityManager, orderRef: string): Promise<string | null> {
    const [row] = await tx.query('SELECT buyer_pseudonym FROM orders WHERE order_ref = $1', [orderRef]);
    return row?.buyer_pseudonym ?? null;
  }

  /** Opens (or re-opens) the release unless a newer ledger entry already closed it. */
  async activate(
    tx: EntityManager,
    subjectRef: string,
    brandId: string,
    buyerPseudonym: string,
    seq: number,
    sensitiveAllowed: boolean,
  ): Promise<Release | null> {
    const rows = await tx.query(
      `INSERT INTO fact_releases (release_id, subject_ref, brand_id, buyer_pseudonym, active, ledger_seq, sensitive_allowed)
       VALUES ($1, $2, $3, $4, true, $5, $6)
       ON CONFLICT (subject_ref, buyer_pseudonym) DO UPDATE
         SET active = true, ledger_seq = EXCLUDED.ledger_seq, revoked_at = NULL, sensitive_allowed = EXCLUDED.sensitive_allowed
       WHERE fact_releases.ledger_seq < EXCLUDED.ledger_seq
       RETURNING release_id`,
      [randomUUID(), subjectRef, brandId, buyerPseudonym, seq, sensitiveAllowed],
    );
    return rows.length
      ? { releaseId: rows[0].release_id, subjectRef, brandId, buyerPseudonym, sensitiveAllowed }
      : null;
  }

  /** Closes every open release of the subject that an older ledger entry opened. */
  async revokeAll(tx: EntityManager, subjectRef: string, seq: number): Promise<Release[]> {
    const [rows] = await tx.query(
      `UPDATE fact_releases SET active = false, ledger_seq = $2, revoked_at = now(), revoked_reason = $3
        WHERE subject_ref = $1 AND active AND ledger_seq < $2
        RETURNING ${RELEASE_COLUMNS}`,
      [subjectRef, seq, 'consent_withdrawn' satisfies RevocationReason],
    );
    return rows.map(toRelease);
  }

  /**
   * Closes every open release of the shop's buyers (R8: the agreement no longer allows the use).
   * The ledger position stays, so a newer consent may open it again once the agreement allows.
   */
  async revokeForShop(tx: EntityManager, platform: Platform, shopId: string): Promise<Release[]> {
    const rows = await tx.query(
      `WITH revoked AS (
         UPDATE fact_releases SET active = false, revoked_at = now(), revoked_reason = $3
          WHERE active AND buyer_pseudonym IN (
            SELECT DISTINCT buyer_pseudonym FROM orders WHERE platform = $1 AND shop_id = $2)
          RETURNING ${RELEASE_COLUMNS})
       SELECT * FROM revoked`,
      [platform, shopId, 'platform_agreement' satisfies RevocationReason],
    );
    return rows.map(toRelease);
  }

  /** Closes one release if still open; false when someone closed it first. */
  async revoke(tx: EntityManager, releaseId: string, reason: RevocationReason): Promise<boolean> {
    const rows = await tx.query(
      `WITH revoked AS (
         UPDATE fact_releases SET active = false, revoked_at = now(), revoked_reason = $2
          WHERE release_id = $1 AND active RETURNING 1)
       SELECT * FROM revoked`,
      [releaseId, reason],
    );
    return rows.length > 0;
  }

  /**
   * R8 narrowing of `sensitive_profiling`: each open release of the shop that carried sensitive
   * facts gets a new id without them; the caller revokes the old id and releases under the new one.
   */
  async reissueWithoutSensitive(
    tx: EntityManager,
    platform: Platform,
    shopId: string,
  ): Promise<{ previousReleaseId: string; release: Release }[]> {
    const rows: (Parameters<typeof toRelease>[0] & { previous_release_id: string })[] = await tx.query(
      `WITH old AS (
         SELECT release_id FROM fact_releases
          WHERE active AND sensitive_allowed AND buyer_pseudonym IN (
            SELECT DISTINCT buyer_pseudonym FROM orders WHERE platform = $1 AND shop_id = $2)
          FOR UPDATE),
       reissued AS (
         UPDATE fact_releases f SET release_id = gen_random_uuid(), sensitive_allowed = false
           FROM old WHERE f.release_id = old.release_id
          RETURNING old.release_id AS previous_release_id, f.release_id, f.subject_ref, f.brand_id,
                    f.buyer_pseudonym, f.sensitive_allowed)
       SELECT * FROM reissued`,
      [platform, shopId],
    );
    return rows.map((r) => ({ previousReleaseId: r.previous_release_id, release: toRelease(r) }));
  }

  async activeForBuyer(tx: EntityManager, buyerPseudonym: string): Promise<Release[]> {
    const rows = await tx.query(
      `SELECT ${RELEASE_COLUMNS} FROM fact_releases WHERE buyer_pseudonym = $1 AND active`,
      [buyerPseudonym],
    );
    return rows.map(toRelease);
  }

  /** Non-identifying facts only: never receiver data, platform ids or the buyer pseudonym. */
  async factsOf(tx: EntityManager, buyerPseudonym: string, orderRef?: string): Promise<ReleasedOrderFact[]> {
    const rows = await tx.query(
      `SELECT order_ref, status, amount_cents, ordered_at, lines, platform FROM orders
        WHERE buyer_pseudonym = $1 AND ($2::uuid IS NULL OR order_ref = $2) ORDER BY ordered_at`,
      [buyerPseudonym, orderRef ?? null],
    );
    return rows.map(
      (r: {
        order_ref: string;
        status: string;
        amount_cents: string;
        ordered_at: Date;
        lines: { sku: string; quantity: number }[];
        platform: Platform;
      }) => ({
        orderRef: r.order_ref,
        status: r.status,
        amountCents: Number(r.amount_cents),
        orderedAt: new Date(r.ordered_at).toISOString(),
        lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        platform: r.platform,
      }),
    );
  }
}

function toRelease(r: {
  release_id: string;
  subject_ref: string;
  brand_id: string;
  buyer_pseudonym: string;
  sensitive_allowed: boolean;
}): Release {
  return {
    releaseId: r.release_id,
    subjectRef: r.subject_ref,
    brandId: r.brand_id,
    buyerPseudonym: r.buyer_pseudonym,
    sensitiveAllowed: r.sensitive_allowed,
  };
}
