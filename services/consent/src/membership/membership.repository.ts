import type { EntityManager } from 'typeorm';
import { rememberNonce } from '@siyu/persistence';
import type { MembershipAction, MembershipPlatform } from './membership-call';

export interface MemberLink {
  subjectRef: string;
  agreementVersion: string;
  bound: boolean;
}

export interface MemberKey {
  brandId: string;
  platform: MembershipPlatform;
  shopId: string;
  memberIndex: string;
}

/** Replay guard, remembered answers and member links of the membership door. */
export class MembershipRepository {
  /** False when the nonce was seen inside its lifetime (a replay). Sweeps a few expired ones. */
  rememberNonce(tx: EntityManager, scope: string, nonce: string, lifetimeSeconds: number): Promise<boolean> {
    return rememberNonce(tx, 'webhook_nonces', scope, nonce, lifetimeSeconds);
  }

  /**
   * Claims a request id for this transaction. Returns the answer given earlier when the id was
   * already answered (a concurrent duplicate waits here until the first one commits).
   */
  async claimCall(
    tx: EntityManager,
    platform: MembershipPlatform,
    shopId: string,
    requestId: string,
    action: MembershipAction,
  ): Promise<{ claimed: true } | { claimed: false; action: string; answer: unknown }> {
    const inserted = await tx.query(
      `INSERT INTO membership_calls (platform, shop_id, request_id, action) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING request_id`,
      [platform, shopId, requestId, action],
    );
    if (inserted.length === 1) return { claimed: true };
    const [row] = await tx.query(
      'SELECT action, answer FROM membership_calls WHERE platform = $1 AND shop_id = $2 AND request_id = $3',
      [platform, shopId, requestId],
    );
    return { claimed: false, action: row.action, answer: row.answer };
  }

  async storeAnswer(
    tx: EntityManager,
    platform: MembershipPlatform,
    shopId: string,
    requestId: string,
    answer: unknown,
  ): Promise<void> {
    await tx.query(
      'UPDATE membership_calls SET answer = $4 WHERE platform = $1 AND shop_id = $2 AND request_id = $3',
      [platform, shopId, requestId, JSON.stringify(answer)],
    );
  }

  /** Serialises calls about one member, so concurrent retries cannot create two subjects. */
  async lockMember(tx: EntityManager, key: MemberKey): Promise<void> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `member:${key.brandId}:${key.memberIndex}`,
    ]);
  }

  async findLink(tx: EntityManager, key: MemberKey): Promise<MemberLink | null> {
    const [row] = await tx.query(
      `SELECT subject_ref, agreement_version, unbound_at FROM member_links
        WHERE brand_id = $1 AND platform = $2 AND shop_id = $3 AND member_index = $4`,
      [key.brandId, key.platform, key.shopId, key.memberIndex],
    );
    return row
      ? {
          subjectRef: row.subject_ref,
          agreementVersion: row.agreement_version,
          bound: row.unbound_at === null,
        }
      : null;
  }

  async markBound(
    tx: EntityManager,
    key: MemberKey,
    subjectRef: string,
    agreementVersion: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO member_links (brand_id, platform, shop_id, member_index, subject_ref, agreement_version, bound_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (brand_id, platform, shop_id, member_index) DO UPDATE
         SET agreement_version = EXCLUDED.agreement_version, bound_at = now(), unbound_at = NULL`,
      [key.brandId, key.platform, key.shopId, key.memberIndex, subjectRef, agreementVersion],
    );
  }

  async markUnbound(tx: EntityManager, key: MemberKey): Promise<void> {
    await tx.query(
      `UPDATE member_links SET unbound_at = now()
        WHERE brand_id = $1 AND platform = $2 AND shop_id = $3 AND member_index = $4`,
      [key.brandId, key.platform, key.shopId, key.memberIndex],
    );
  }
}
