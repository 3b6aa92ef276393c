import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface SeenHead {
  seq: string;
  hash: string;
}

/** Heads of the services' audit chains privacy saw intact (R20 witness). */
@Injectable()
export class AuditChainHeadRepository {
  async all(tx: EntityManager): Promise<Map<string, SeenHead>> {
    const rows: { chain: string; seq: string; hash: string }[] = await tx.query(
      'SELECT chain, seq::text AS seq, hash FROM audit_chain_heads',
    );
    return new Map(rows.map((r) => [r.chain, { seq: r.seq, hash: r.hash }]));
  }

  /** Only ever forward: a head older than the one kept never replaces it. */
  async record(tx: EntityManager, chain: string, head: SeenHead): Promise<void> {
    await tx.query(
      `INSERT INTO audit_chain_heads (chain, seq, hash, seen_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (chain) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, seen_at = EXCLUDED.seen_at
        WHERE audit_chain_heads.seq <= EXCLUDED.seq`,
      [chain, head.seq, head.hash],
    );
  }
}
