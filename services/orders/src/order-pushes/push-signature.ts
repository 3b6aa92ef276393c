import { signTopRequest, TIMESTAMP_WINDOW_SECONDS, verifyTopSignature } from '@siyu/crypto';
import { OrderPushError, OrderPushErrorCode } from './order-pushes.errors';

export { TIMESTAMP_WINDOW_SECONDS };

export interface SignedPush {
  shopId: string;
  timestamp: number;
  nonce: string;
}

/** Order pushes are TOP-signed with the shop's secret (see verifyTopSignature). */
export function verifyPushSignature(
  query: Record<string, unknown>,
  rawBody: Buffer | undefined,
  secretOf: (shopId: string) => string | undefined,
  nowMs: number,
): SignedPush {
  const check = verifyTopSignature(query, rawBody, secretOf, nowMs);
  if (check.ok) return { shopId: check.shopId, timestamp: check.timestamp, nonce: check.nonce };
  const code =
    check.problem === 'timestamp'
      ? OrderPushErrorCode.TIMESTAMP_OUT_OF_WINDOW
      : OrderPushErrorCode.SIGNATURE_INVALID;
  throw new OrderPushError(code, check.message);
}

/** The signature a platform (or a test) puts on a push. */
export const signPush = signTopRequest;
