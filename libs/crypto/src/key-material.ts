import { CryptoError, CryptoErrorCode } from './errors';

export const KEY_BYTES = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

// kids appear inside `v1.<kid>.…` strings and `kid:base64,…` env lists, so no dots, colons or commas.
export function assertKid(kid: string): void {
  if (!KID.test(kid)) {
    throw new CryptoError(CryptoErrorCode.INVALID_KEY, `kid must match ${KID} (got ${JSON.stringify(kid)})`);
  }
}

export function assertKeyLength(key: Buffer, label: string): void {
  if (key.length !== KEY_BYTES) {
    throw new CryptoError(
      CryptoErrorCode.INVALID_KEY,
      `${label} must be ${KEY_BYTES} bytes, got ${key.length}`,
    );
  }
}

export function decodeBase64Key(b64: string, label: string): Buffer {
  const trimmed = b64.trim();
  if (!BASE64.test(trimmed)) {
    throw new CryptoError(CryptoErrorCode.INVALID_KEY, `${label} is not valid base64`);
  }
  const key = Buffer.from(trimmed, 'base64');
  assertKeyLength(key, label);
  return key;
}

export function indexByKid<K extends { readonly kid: string }>(
  current: K,
  previous: readonly K[],
): Map<string, K> {
  const byKid = new Map<string, K>();
  for (const key of [current, ...previous]) {
    if (byKid.has(key.kid)) {
      throw new CryptoError(CryptoErrorCode.INVALID_KEY, `kid "${key.kid}" appears twice in the key ring`);
    }
    byKid.set(key.kid, key);
  }
  return byKid;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64url: rejects stray characters and non-canonical encodings that Buffer would accept. */
export function decodeBase64Url(part: string): Buffer | null {
  if (!BASE64URL.test(part)) return null;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : null;
}
