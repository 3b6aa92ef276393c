import { createHmac, timingSafeEqual } from 'node:crypto';
import { MembershipError, MembershipErrorCode } from './membership.errors';

/** Platforms allow a few minutes of clock skew; anything older is a replay or a stuck queue. */
export const TIMESTAMP_WINDOW_SECONDS = 300;

export interface SignedMembershipQuery {
  shopId: string;
  timestamp: number;
  nonce: string;
}

/**
 * TOP-style signing, as Taobao/Tmall SPI calls do: every query parameter except `sign`, sorted by
 * name, concatenated as name+value, then the raw body; HMAC-SHA256 with the shop's secret, hex.
 * Query: shop_id, timestamp (unix seconds), nonce, sign_method=hmac-sha256, sign.
 */
export function verifyMembershipSignature(
  query: Record<string, unknown>,
  rawBody: Buffer | undefined,
  secretOf: (shopId: string) => string | undefined,
  nowMs: number,
): SignedMembershipQuery {
  const refuse = (code: MembershipErrorCode, message: string) => new MembershipError(code, message);
  const params = Object.entries(query);
  if (!rawBody || params.some(([, v]) => typeof v !== 'string'))
    throw refuse(MembershipErrorCode.SIGNATURE_INVALID, 'signed query and body required');
  const q = query as Record<string, string>;
  const secret = q.shop_id ? secretOf(q.shop_id) : undefined;
  if (!secret || q.sign_method !== 'hmac-sha256' || !/^[0-9a-fA-F]{64}$/.test(q.sign ?? ''))
    throw refuse(MembershipErrorCode.SIGNATURE_INVALID, 'unknown shop or sign missing');
  const canonical = params
    .filter(([k]) => k !== 'sign')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}${v}`)
    .join('');
  const expected = createHmac('sha256', secret).update(canonical).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(q.sign, 'hex')))
    throw refuse(MembershipErrorCode.SIGNATURE_INVALID, 'sign does not match');
  // Checked after the signature, so an attacker cannot probe our clock with unsigned calls.
  const timestamp = Number(q.timestamp);
  if (!/^\d{9,11}$/.test(q.timestamp ?? '') || Math.abs(nowMs / 1000 - timestamp) > TIMESTAMP_WINDOW_SECONDS)
    throw refuse(
      MembershipErrorCode.TIMESTAMP_OUT_OF_WINDOW,
      `timestamp more than ${TIMESTAMP_WINDOW_SECONDS} s off`,
    );
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(q.nonce ?? ''))
    throw refuse(MembershipErrorCode.SIGNATURE_INVALID, 'nonce must be 8–64 of [A-Za-z0-9_-]');
  return { shopId: q.shop_id, timestamp, nonce: q.nonce };
}
