import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ReleasedOrderFact } from '@siyu/contracts';

export interface Release {
  releaseId: string;
  subjectRef: string;
  brandId: string;
  buyerPseudonym: string;
  sensitiveAllowed: boolean;
}

export class ReleaseRepository {
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
      `UPDATE fact_releases SET active = false, ledger_seq = $2, revoked_at = now()
        WHERE subject_ref = $1 AND active AND ledger_seq < $2
        RETURNING release_id, subject_ref, brand_id, buyer_pseudonym, sensitive_allowed`,
      [subjectRef, seq],
    );
    return rows.map(toRelease);
  }

  async activeForBuyer(tx: EntityManager, buyerPseudonym: string): Promise<Release[]> {
    const rows = await tx.query(
      'SELECT release_id, subject_ref, brand_id, buyer_pseudonym, sensitive_allowed FROM fact_releases WHERE buyer_pseudonym = $1 AND active',
      [buyerPseudonym],
    );
    return rows.map(toRelease);
  }

  /** Non-identifying facts only: never receiver data, platform ids or the buyer pseudonym. */
  async factsOf(tx: EntityManager, buyerPseudonym: string, orderRef?: string): Promise<ReleasedOrderFact[]> {
    const rows = await tx.query(
      `SELECT order_ref, status, amount_cents, ordered_at, lines FROM orders
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
      }) => ({
        orderRef: r.order_ref,
        status: r.status,
        amountCents: Number(r.amount_cents),
        orderedAt: new Date(r.ordered_at).toISOString(),
        lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
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
