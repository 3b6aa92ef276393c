import { createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors';
import { assertKid, decodeBase64Key, decodeBase64Url, indexByKid } from './key-material';

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410): a fixed prefix, then the seed.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** One Ed25519 key pair from a 32-byte seed (the same random material as every other key here). */
export class SigningKey {
  readonly #privateKey: KeyObject;
  readonly publicKey: KeyObject;

  constructor(
    readonly kid: string,
    seed: Buffer,
  ) {
    assertKid(kid);
    this.#privateKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    this.publicKey = createPublicKey(this.#privateKey);
  }

  static fromBase64(kid: string, b64: string): SigningKey {
    assertKid(kid);
    return new SigningKey(kid, decodeBase64Key(b64, `signing key "${kid}"`));
  }

  sign(message: string): Buffer {
    return sign(null, Buffer.from(message, 'utf8'), this.#privateKey);
  }

  get publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

export interface Signature {
  kid: string;
  /** base64url Ed25519 signature over the UTF-8 message. */
  signature: string;
}

/**
 * Ed25519 signatures anyone can check with the public key — unlike HMAC tokens, the party keeping a
 * signed statement outside Siyu can verify it without a secret. Rotation: sign with the current key,
 * keep older kids so statements already handed out still verify.
 */
export class SigningKeyRing {
  readonly #byKid: Map<string, SigningKey>;

  constructor(
    readonly current: SigningKey,
    previous: readonly SigningKey[] = [],
  ) {
    this.#byKid = indexByKid(current, previous);
  }

  sign(message: string): Signature {
    return { kid: this.current.kid, signature: this.current.sign(message).toString('base64url') };
  }

  /** False for an unknown kid, a malformed signature or one that does not verify. */
  verify(message: string, { kid, signature }: Signature): boolean {
    const key = this.#byKid.get(kid);
    const bytes = typeof signature === 'string' ? decodeBase64Url(signature) : null;
    if (!key || !bytes || bytes.length !== 64) return false;
    return verify(null, Buffer.from(message, 'utf8'), key.publicKey, bytes);
  }

  publicKeyPem(kid: string): string {
    const key = this.#byKid.get(kid);
    if (!key) throw new CryptoError(CryptoErrorCode.UNKNOWN_KEY, `no signing key "${kid}"`);
    return key.publicKeyPem;
  }
}
