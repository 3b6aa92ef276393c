import { createHmac, timingSafeEqual } from 'node:crypto';
import { OrderPushError, OrderPushErrorCode } from './order-pushes.errors';

/** Platforms allow a few minutes of clock skew; anything older is a replay or a stuck queue. */
export const TIMESTAMP_WINDOW_SECONDS = 300;

export interface SignedPush {
  shopId: string;
  timestamp: number;
  nonce: string;
}

/**
 * TOP-style signing (as consent's membership door): every query parameter except `sign`, sorted
 * by name, concatenated as name+value, then the raw body; HMAC-SHA256 with the shop's secret, hex.
 * Query: shop_id, timestamp (unix seconds), nonce, sign_method=hmac-sha256, sign.
 */
export function verifyPushSignature(
  query: Record<string, unknown>,
  rawBody: Buffer | undefined,
  secretOf: (shopId: string) => string | undefined,
  nowMs: number,
): SignedPush {
  const refuse = (code: OrderPushErrorCode, message: string) => new OrderPushError(code, message);
  const params = Object.entries(query);
  if (!rawBody || params.some(([, v]) => typeof v !== 'string'))
    throw refuse(OrderPushErrorCode.SIGNATURE_INVALID, 'signed query and body required');
  const q = query as Record<string, string>;
  const secret = q.shop_id ? secretOf(q.shop_id) : undefined;
  if (!secret || q.sign_method !== 'hmac-sha256' || !/^[0-9a-fA-F]{64}$/.test(q.sign ?? ''))
    throw refuse(OrderPushErrorCode.SIGNATURE_INVALID, 'unknown shop or sign missing');
  const canonical = params
    .filter(([k]) => k !== 'sign')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}${v}`)
    .join('');
  const expected = createHmac('sha256', secret).update(canonical).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(q.sign, 'hex')))
    throw refuse(OrderPushErrorCode.SIGNATURE_INVALID, 'sign does not match');
  // Checked after the signature, so an attacker cannot probe our clock with unsigned calls.
  const timestamp = Number(q.timestamp);
  if (!/^\d{9,11}$/.test(q.timestamp ?? '') || Math.abs(nowMs / 1000 - timestamp) > TIMESTAMP_WINDOW_SECONDS)
    throw refuse(
      OrderPushErrorCode.TIMESTAMP_OUT_OF_WINDOW,
      `timestamp more than ${TIMESTAMP_WINDOW_SECONDS} s off`,
    );
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(q.nonce ?? ''))
    throw refuse(OrderPushErrorCode.SIGNATURE_INVALID, 'nonce must be 8–64 of [A-Za-z0-9_-]');
  return { shopId: q.shop_id, timestamp, nonce: q.nonce };
}

/** The signature a platform (or a test) puts on a push: the counterpart of verifyPushSignature. */
export function signPush(query: Record<string, string>, rawBody: string | Buffer, secret: string): string {
  const canonical = Object.entries(query)
    .filter(([k]) => k !== 'sign')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}${v}`)
    .join('');
  return createHmac('sha256', secret).update(canonical).update(rawBody).digest('hex');
}
