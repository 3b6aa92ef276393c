import { createHmac, createSecretKey, KeyObject, timingSafeEqual } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors';
import { assertKeyLength, assertKid, decodeBase64Key, decodeBase64Url, indexByKid } from './key-material';

const MAC_BYTES = 16;
const RESERVED = ['p', 'e', 'k'] as const;

/** Readable by anyone holding the token: opaque references only, never PII (R1, R16). */
export type TokenPayload = Record<string, string | number>;

export interface SignOptions {
  /** A token verifies only for the purpose it was signed for ('qr-invite' is not 'unsubscribe'). */
  purpose: string;
  expiresInSeconds: number;
  now?: Date;
}

export class TokenSigningKey {
  readonly #key: KeyObject;

  constructor(
    readonly kid: string,
    key: Buffer,
  ) {
    assertKid(kid);
    assertKeyLength(key, `token signing key "${kid}"`);
    this.#key = createSecretKey(key);
  }

  static fromBase64(kid: string, b64: string): TokenSigningKey {
    assertKid(kid);
    return new TokenSigningKey(kid, decodeBase64Key(b64, `token signing key "${kid}"`));
  }

  mac(data: string): Buffer {
    return createHmac('sha256', this.#key).update(data, 'ascii').digest().subarray(0, MAC_BYTES);
  }
}

/**
 * Compact tokens for SMS links and QR codes: base64url(JSON payload + p, e, k) '.' base64url(16-byte
 * HMAC-SHA256). Signed, not encrypted. Rotation: sign with the current key, keep older kids to verify
 * tokens already out, drop them once those have expired.
 */
export class TokenSigner {
  readonly #byKid: Map<string, TokenSigningKey>;

  constructor(
    readonly current: TokenSigningKey,
    previous: readonly TokenSigningKey[] = [],
  ) {
    this.#byKid = indexByKid(current, previous);
  }

  sign(payload: TokenPayload, { purpose, expiresInSeconds, now = new Date() }: SignOptions): string {
    if (purpose.length === 0) throw invalid('token purpose must be non-empty');
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
      throw invalid('expiresInSeconds must be a positive integer');
    }
    for (const [name, value] of Object.entries(payload)) {
      if ((RESERVED as readonly string[]).includes(name)) throw invalid(`payload key "${name}" is reserved`);
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw invalid(`payload "${name}" is not finite`);
      }
    }
    const body = { ...payload, p: purpose, e: unixSeconds(now) + expiresInSeconds, k: this.current.kid };
    const encoded = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
    return `${encoded}.${this.current.mac(encoded).toString('base64url')}`;
  }

  /** Checks shape, key, signature (constant time), purpose and expiry, in that order. */
  verify(token: string, purpose: string, now: Date = new Date()): TokenPayload {
    const [encoded, signature, ...rest] = token.split('.');
    const bodyBytes = decodeBase64Url(encoded);
    const mac = rest.length === 0 && signature !== undefined ? decodeBase64Url(signature) : null;
    if (!bodyBytes || !mac) throw new CryptoError(CryptoErrorCode.TOKEN_MALFORMED, 'token is malformed');
    const { p, e, k, ...payload } = parseBody(bodyBytes);

    const key = this.#byKid.get(k);
    if (!key) {
      const kid = JSON.stringify(k.slice(0, 32));
      throw new CryptoError(CryptoErrorCode.TOKEN_UNKNOWN_KEY, `token signed with unknown key ${kid}`);
    }
    const expected = key.mac(encoded);
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
      throw new CryptoError(CryptoErrorCode.TOKEN_BAD_SIGNATURE, 'token signature does not match');
    }
    if (p !== purpose) {
      throw new CryptoError(CryptoErrorCode.TOKEN_WRONG_PURPOSE, `token is for "${p}", not "${purpose}"`);
    }
    if (unixSeconds(now) >= e) throw new CryptoError(CryptoErrorCode.TOKEN_EXPIRED, 'token has expired');
    return payload;
  }
}

type SignedBody = TokenPayload & { p: string; e: number; k: string };

function parseBody(bytes: Buffer): SignedBody {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new CryptoError(CryptoErrorCode.TOKEN_MALFORMED, 'token payload is not JSON');
  }
  const wellFormed =
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.values(body).every((v) => typeof v === 'string' || typeof v === 'number') &&
    typeof body.p === 'string' &&
    Number.isInteger(body.e) &&
    typeof body.k === 'string';
  if (!wellFormed) throw new CryptoError(CryptoErrorCode.TOKEN_MALFORMED, 'token payload lacks p, e or k');
  return body as SignedBody;
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function invalid(message: string): CryptoError {
  return new CryptoError(CryptoErrorCode.INVALID_ARGUMENT, message);
}
