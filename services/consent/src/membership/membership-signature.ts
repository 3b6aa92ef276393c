import { TIMESTAMP_WINDOW_SECONDS, verifyTopSignature } from '@siyu/crypto';
import { MembershipError, MembershipErrorCode } from './membership.errors';

export { TIMESTAMP_WINDOW_SECONDS };

export interface SignedMembershipQuery {
  shopId: string;
  timestamp: number;
  nonce: string;
}

/** Membership calls are TOP-signed with the shop's secret (see verifyTopSignature). */
export function verifyMembershipSignature(
  query: Record<string, unknown>,
  rawBody: Buffer | undefined,
  secretOf: (shopId: string) => string | undefined,
  nowMs: number,
): SignedMembershipQuery {
  const check = verifyTopSignature(query, rawBody, secretOf, nowMs);
  if (check.ok) return { shopId: check.shopId, timestamp: check.timestamp, nonce: check.nonce };
  const code =
    check.problem === 'timestamp'
      ? MembershipErrorCode.TIMESTAMP_OUT_OF_WINDOW
      : MembershipErrorCode.SIGNATURE_INVALID;
  throw new MembershipError(code, check.message);
}
