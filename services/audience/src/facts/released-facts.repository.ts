import type { EntityManager } from 'typeorm';
import type { ReleasedOrderFact } from '@siyu/contracts';

export class ReleasedFactsRepository {
  /** Stores (or refreshes) facts of a release that has not been revoked. */
  async store(
    tx: EntityManager,
    releaseId: string,
    subjectRef: string,
    facts: ReleasedOrderFact[],
  ): Promise<void> {
    if (facts.length === 0) return;
    await tx.query(
      `INSERT INTO released_facts (release_id, order_ref, subject_ref, status, amount_cents, ordered_at, skus)
       SELECT $1, f.order_ref, $2, f.status, f.amount_cents, f.ordered_at, f.skus
         FROM jsonb_to_recordset($3::jsonb) AS f(order_ref uuid, status text, amount_cents bigint, ordered_at timestamptz, skus text[])
        WHERE NOT EXISTS (SELECT 1 FROM revoked_releases r WHERE r.release_id = $1)
       ON CONFLICT (release_id, order_ref) DO UPDATE SET status = EXCLUDED.status, amount_cents = EXCLUDED.amount_cents`,
      [
        releaseId,
        subjectRef,
        JSON.stringify(
          facts.map((f) => ({
            order_ref: f.orderRef,
            status: f.status,
            amount_cents: f.amountCents,
            ordered_at: f.orderedAt,
            skus: f.lines.map((l) => l.sku),
          })),
        ),
      ],
    );
  }

  /** R10: everything the release brought in goes. */
  async revoke(tx: EntityManager, releaseId: string): Promise<void> {
    await tx.query('INSERT INTO revoked_releases (release_id) VALUES ($1) ON CONFLICT DO NOTHING', [
      releaseId,
    ]);
    await tx.query('DELETE FROM released_facts WHERE release_id = $1', [releaseId]);
  }
}
