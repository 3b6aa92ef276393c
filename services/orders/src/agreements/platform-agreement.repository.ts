import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Platform, Purpose } from '@siyu/contracts';
import { ORDERS_DB } from '../orders.options';
import { agreementOf, type AgreementPurpose, type PlatformAgreement } from './platform-agreement';

export interface ReleaseRefusal {
  subjectRef: string;
  purpose: AgreementPurpose;
  reason: string;
  ledgerSeq: number | null;
  refusedAt: string;
}

// Advisory lock class of agreement changes (two-key form: its own lock space, apart from imports).
const AGREEMENT_LOCK_CLASS = 8008;

/** R8 in SQL: per-shop platform agreements and the release refusals they cause. */
@Injectable()
export class PlatformAgreementRepository {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  /**
   * Releases read the agreement under a shared lock and a change takes it exclusively, so a
   * release decided on the old agreement commits before a narrowing revokes what it released.
   */
  async lockForRelease(tx: EntityManager, platform: Platform, shopId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock_shared($1, hashtext($2))', [
      AGREEMENT_LOCK_CLASS,
      `${platform}/${shopId}`,
    ]);
  }

  async lockForChange(tx: EntityManager, platform: Platform, shopId: string): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      AGREEMENT_LOCK_CLASS,
      `${platform}/${shopId}`,
    ]);
  }

  /** The shop's recorded agreement, or its platform's default. */
  async find(db: EntityManager | DataSource, platform: Platform, shopId: string): Promise<PlatformAgreement> {
    const [row]: {
      allowed_purposes: string[];
      agreement_ref: string | null;
      updated_by: string;
      updated_at: Date;
    }[] = await db.query(
      `SELECT allowed_purposes, agreement_ref, updated_by, updated_at FROM shop_platform_agreements
        WHERE platform = $1 AND shop_id = $2`,
      [platform, shopId],
    );
    return agreementOf(
      platform,
      shopId,
      row
        ? {
            marketingPurposes: row.allowed_purposes,
            agreementRef: row.agreement_ref,
            updatedBy: row.updated_by,
            updatedAt: row.updated_at,
          }
        : null,
    );
  }

  /** Stores the marketing purposes only: fulfilment purposes are always inside. */
  async save(
    tx: EntityManager,
    platform: Platform,
    shopId: string,
    marketingPurposes: Purpose[],
    agreementRef: string | null,
    updatedBy: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO shop_platform_agreements (platform, shop_id, allowed_purposes, agreement_ref, updated_by)
       VALUES ($1, $2, $3::text[], $4, $5)
       ON CONFLICT (platform, shop_id) DO UPDATE
         SET allowed_purposes = EXCLUDED.allowed_purposes, agreement_ref = EXCLUDED.agreement_ref,
             updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [platform, shopId, marketingPurposes, agreementRef, updatedBy],
    );
  }

  async recordRefusal(
    tx: EntityManager,
    refusal: {
      platform: Platform;
      shopId: string;
      subjectRef: string;
      purpose: AgreementPurpose;
      reason: string;
      ledgerSeq: number | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO release_refusals (platform, shop_id, subject_ref, purpose, reason, ledger_seq)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        refusal.platform,
        refusal.shopId,
        refusal.subjectRef,
        refusal.purpose,
        refusal.reason,
        refusal.ledgerSeq,
      ],
    );
  }

  /** The shop's latest refusals, newest first. */
  async listRefusals(platform: Platform, shopId: string, limit: number): Promise<ReleaseRefusal[]> {
    const rows: {
      subject_ref: string;
      purpose: AgreementPurpose;
      reason: string;
      ledger_seq: string | null;
      refused_at: Date;
    }[] = await this.ds.query(
      `SELECT subject_ref, purpose, reason, ledger_seq, refused_at FROM release_refusals
        WHERE platform = $1 AND shop_id = $2 ORDER BY refused_at DESC, id DESC LIMIT $3`,
      [platform, shopId, limit],
    );
    return rows.map((r) => ({
      subjectRef: r.subject_ref,
      purpose: r.purpose,
      reason: r.reason,
      ledgerSeq: r.ledger_seq === null ? null : Number(r.ledger_seq),
      refusedAt: new Date(r.refused_at).toISOString(),
    }));
  }
}
