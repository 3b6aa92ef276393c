import type { EntityManager } from 'typeorm';
import type { LedgerAnchor } from './anchor-receipt';

/** Signed ledger heads, append-only (trigger-enforced). */
export class LedgerAnchorRepository {
  async record(tx: EntityManager, a: LedgerAnchor): Promise<void> {
    await tx.query(
      `INSERT INTO ledger_anchors (brand_id, head_seq, head_hash, anchored_at, kid, signature)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [a.brandId, a.seq, a.hash, a.at, a.kid, a.signature],
    );
  }

  async findLatest(tx: EntityManager, brandId: string): Promise<LedgerAnchor | null> {
    const [row] = await tx.query(
      'SELECT * FROM ledger_anchors WHERE brand_id = $1 ORDER BY head_seq DESC, id DESC LIMIT 1',
      [brandId],
    );
    return row ? toAnchor(row) : null;
  }

  async listOf(tx: EntityManager, brandId: string): Promise<LedgerAnchor[]> {
    const rows = await tx.query('SELECT * FROM ledger_anchors WHERE brand_id = $1 ORDER BY id', [brandId]);
    return rows.map(toAnchor);
  }
}

function toAnchor(r: Record<string, any>): LedgerAnchor {
  return {
    brandId: r.brand_id,
    seq: Number(r.head_seq),
    hash: r.head_hash,
    at: new Date(r.anchored_at).toISOString(),
    kid: r.kid,
    signature: r.signature,
  };
}
