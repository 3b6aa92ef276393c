import { createCipheriv, createDecipheriv, createSecretKey, KeyObject } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors';
import {
  assertKeyLength,
  assertKid,
  decodeBase64Key,
  decodeBase64Url,
  indexByKid,
  KEY_BYTES,
} from './key-material';
import { pooledRandomBytes } from './random-pool';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_PREFIX = 's1';
const WRAPPED_PREFIX = 'v1';

/** Ciphertext of a `T` (e.g. `Sealed<'receiver-phone'>`); a plain string is not assignable to it (R16). */
export type Sealed<T extends string = string> = string & { readonly __sealed: T };

/** A data key encrypted under a key-encryption key: `v1.<kid>.<iv>.<tag>.<ct>`. */
export type WrappedKey = string & { readonly __wrappedKey: true };

const SEALED_SHAPE = /^s1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;

export function isSealed(value: string): value is Sealed {
  return SEALED_SHAPE.test(value);
}

/** For values read back from storage: checks the shape, not the key (that happens in `open`). */
export function asSealed<T extends string = string>(value: string): Sealed<T> {
  if (!isSealed(value)) {
    throw new CryptoError(CryptoErrorCode.MALFORMED_CIPHERTEXT, 'value is not an s1 sealed string');
  }
  return value as Sealed<T>;
}

export function generateDataKey(): Buffer {
  return pooledRandomBytes(KEY_BYTES);
}

/**
 * AES-256-GCM with a random 12-byte IV. Pass the row's opaque reference and field as `aad`
 * (e.g. `order:<orderRef>:phone`) so a ciphertext cannot be moved to another row or column.
 */
export function seal<T extends string = string>(dataKey: Buffer, plaintext: string, aad?: string): Sealed<T> {
  assertKeyLength(dataKey, 'data key');
  return `${SEALED_PREFIX}.${encrypt(keyObjectOf(dataKey), Buffer.from(plaintext, 'utf8'), aad)}` as Sealed<T>;
}

// Node 24's createCipheriv checks a Buffer key slowly (~25 µs) and a KeyObject fast (~8 µs); imports
// seal many values under one buyer's key, so each key Buffer gets its KeyObject once.
const keyObjects = new WeakMap<Buffer, KeyObject>();
function keyObjectOf(dataKey: Buffer): KeyObject {
  let key = keyObjects.get(dataKey);
  if (!key) {
    key = createSecretKey(dataKey);
    keyObjects.set(dataKey, key);
  }
  return key;
}

export function open(dataKey: Buffer, sealed: Sealed, aad?: string): string {
  assertKeyLength(dataKey, 'data key');
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== SEALED_PREFIX) {
    throw new CryptoError(CryptoErrorCode.MALFORMED_CIPHERTEXT, 'value is not an s1 sealed string');
  }
  return decrypt(keyObjectOf(dataKey), parts.slice(1), aad).toString('utf8');
}

export class KeyEncryptionKey {
  readonly #key: KeyObject;

  constructor(
    readonly kid: string,
    key: Buffer,
  ) {
    assertKid(kid);
    assertKeyLength(key, `key-encryption key "${kid}"`);
    this.#key = createSecretKey(key);
  }

  static fromBase64(kid: string, b64: string): KeyEncryptionKey {
    assertKid(kid);
    return new KeyEncryptionKey(kid, decodeBase64Key(b64, `key-encryption key "${kid}"`));
  }

  wrap(dataKey: Buffer): WrappedKey {
    assertKeyLength(dataKey, 'data key');
    const header = `${WRAPPED_PREFIX}.${this.kid}`;
    // The header is the AAD, so the kid label is authenticated along with the key.
    return `${header}.${encrypt(this.#key, dataKey, header)}` as WrappedKey;
  }

  unwrap(wrapped: string): Buffer {
    const { kid, parts } = parseWrapped(wrapped);
    if (kid !== this.kid) {
      throw new CryptoError(
        CryptoErrorCode.UNKNOWN_KEY,
        `data key is wrapped under "${kid}", not "${this.kid}"`,
      );
    }
    return decrypt(this.#key, parts, `${WRAPPED_PREFIX}.${kid}`);
  }
}

/**
 * The current KEK wraps; older KEKs only unwrap. Rotation = add a new current KEK, `rewrap` every
 * stored data key, then drop the old KEK. Crypto-shredding (R17) = delete the wrapped data key.
 */
export class KeyRing {
  readonly #byKid: Map<string, KeyEncryptionKey>;

  constructor(
    readonly current: KeyEncryptionKey,
    previous: readonly KeyEncryptionKey[] = [],
  ) {
    this.#byKid = indexByKid(current, previous);
  }

  get kids(): string[] {
    return [...this.#byKid.keys()];
  }

  wrap(dataKey: Buffer): WrappedKey {
    return this.current.wrap(dataKey);
  }

  unwrap(wrapped: string): Buffer {
    const { kid } = parseWrapped(wrapped);
    const kek = this.#byKid.get(kid);
    if (!kek) {
      throw new CryptoError(
        CryptoErrorCode.UNKNOWN_KEY,
        `no key-encryption key "${kid}" in the ring (have: ${this.kids.join(', ')})`,
      );
    }
    return kek.unwrap(wrapped);
  }

  /** Re-encrypts only the data key under the current KEK; data sealed with it stays as is. */
  rewrap(wrapped: string): WrappedKey {
    return this.wrap(this.unwrap(wrapped));
  }

  needsRewrap(wrapped: string): boolean {
    return parseWrapped(wrapped).kid !== this.current.kid;
  }
}

function parseWrapped(wrapped: string): { kid: string; parts: string[] } {
  const [prefix, kid, ...parts] = wrapped.split('.');
  if (prefix !== WRAPPED_PREFIX || kid === undefined || parts.length !== 3) {
    throw new CryptoError(CryptoErrorCode.MALFORMED_CIPHERTEXT, 'value is not a v1 wrapped key');
  }
  return { kid, parts };
}

/** AES-256-GCM under `key`: `<iv>.<tag>.<ct>` in base64url. Internal to libs/crypto. */
export function encrypt(key: KeyObject | Buffer, plaintext: Buffer, aad: string | undefined): string {
  const iv = pooledRandomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url')).join('.');
}

/** Opens `[iv, tag, ct]` from `encrypt`. Internal to libs/crypto. */
export function decrypt(
  key: KeyObject | Buffer,
  [ivPart, tagPart, ctPart]: string[],
  aad: string | undefined,
): Buffer {
  const iv = decodeBase64Url(ivPart);
  const tag = decodeBase64Url(tagPart);
  const ct = decodeBase64Url(ctPart);
  if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ct) {
    throw new CryptoError(
      CryptoErrorCode.MALFORMED_CIPHERTEXT,
      'ciphertext has a bad iv, tag or body encoding',
    );
  }
  // authTagLength pins the tag size: GCM would otherwise accept a truncated tag.
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  try {
    return Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    throw new CryptoError(
      CryptoErrorCode.DECRYPT_FAILED,
      'decryption failed: wrong key, wrong associated data, or tampered ciphertext',
    );
  }
}
