import { createHmac, timingSafeEqual } from 'node:crypto';

/** Platforms allow a few minutes of clock skew; anything older is a replay or a stuck queue. */
export const TIMESTAMP_WINDOW_SECONDS = 300;

export type TopSignatureCheck =
  | { ok: true; shopId: string; timestamp: number; nonce: string }
  | { ok: false; problem: 'signature' | 'timestamp'; message: string };

function canonicalQuery(query: Record<string, string>): string {
  return Object.entries(query)
    .filter(([k]) => k !== 'sign')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}${v}`)
    .join('');
}

/**
 * TOP-style signing, as Taobao/Tmall SPI calls and platform pushes do: every query parameter except
 * `sign`, sorted by name, concatenated as name+value, then the raw body; HMAC-SHA256 with the shop's
 * secret, hex. Query: shop_id, timestamp (unix seconds), nonce, sign_method=hmac-sha256, sign.
 * Used by the membership door (consent) and order pushes (orders); nonce reuse is the caller's check.
 */
export function verifyTopSignature(
  query: Record<string, unknown>,
  rawBody: Buffer | undefined,
  secretOf: (shopId: string) => string | undefined,
  nowMs: number,
): TopSignatureCheck {
  const refuse = (message: string): TopSignatureCheck => ({ ok: false, problem: 'signature', message });
  if (!rawBody || Object.values(query).some((v) => typeof v !== 'string'))
    return refuse('signed query and body required');
  const q = query as Record<string, string>;
  const secret = q.shop_id ? secretOf(q.shop_id) : undefined;
  if (!secret || q.sign_method !== 'hmac-sha256' || !/^[0-9a-fA-F]{64}$/.test(q.sign ?? '')) {
    return refuse('unknown shop or sign missing');
  }
  const expected = createHmac('sha256', secret).update(canonicalQuery(q)).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(q.sign, 'hex'))) return refuse('sign does not match');
  // Checked after the signature, so an attacker cannot probe our clock with unsigned calls.
  const timestamp = Number(q.timestamp);
  if (
    !/^\d{9,11}$/.test(q.timestamp ?? '') ||
    Math.abs(nowMs / 1000 - timestamp) > TIMESTAMP_WINDOW_SECONDS
  ) {
    return {
      ok: false,
      problem: 'timestamp',
      message: `timestamp more than ${TIMESTAMP_WINDOW_SECONDS} s off`,
    };
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(q.nonce ?? '')) return refuse('nonce must be 8–64 of [A-Za-z0-9_-]');
  return { ok: true, shopId: q.shop_id, timestamp, nonce: q.nonce };
}

/** The signature a platform (or a test) puts on a call: the counterpart of verifyTopSignature. */
export function signTopRequest(
  query: Record<string, string>,
  rawBody: string | Buffer,
  secret: string,
): string {
  return createHmac('sha256', secret).update(canonicalQuery(query)).update(rawBody).digest('hex');
}
