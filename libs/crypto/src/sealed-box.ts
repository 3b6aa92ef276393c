import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors';

// DER wrappers of a raw X25519 key (RFC 8410): PKCS#8 for the private, SPKI for the public one.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const SHAPE =
  /^x1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/;

const publicKeyFromRaw = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
const rawPublicKey = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'spki' }).subarray(12);

function boxKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(
    hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), 'siyu sealed box v1', 32),
  );
}

/**
 * The receiving end of a sealed box (X25519 + HKDF-SHA256 + AES-256-GCM): whoever holds only the
 * public key can seal to it, only this holder opens. Used where a service must hand another one a
 * value it may not keep the means to read again (a requester's phone, privacy → consent).
 */
export class SealedBoxRecipient {
  readonly #privateKey: KeyObject;
  /** Raw 32-byte public key, base64url: what senders are given. */
  readonly publicKey: string;
  /** A short name of the public key, so a sender says which key it sealed to. */
  readonly kid: string;

  private constructor(privateKey: KeyObject) {
    this.#privateKey = privateKey;
    const raw = rawPublicKey(createPublicKey(privateKey));
    this.publicKey = raw.toString('base64url');
    this.kid = createHash('sha256').update(raw).digest('base64url').slice(0, 16);
  }

  /** A recipient derived from a secret the service already holds (HKDF with its own label). */
  static derivedFrom(secret: Buffer, label: string): SealedBoxRecipient {
    if (secret.length < 32)
      throw new CryptoError(CryptoErrorCode.INVALID_KEY, 'a sealed-box seed needs at least 32 bytes');
    const seed = Buffer.from(
      hkdfSync('sha256', secret, Buffer.alloc(0), `siyu sealed box seed: ${label}`, 32),
    );
    return new SealedBoxRecipient(
      createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
    );
  }

  static generate(): SealedBoxRecipient {
    return new SealedBoxRecipient(generateKeyPairSync('x25519').privateKey);
  }

  /** `aad` binds the box to its context (e.g. the challenge id); a box moved elsewhere fails. */
  open(sealed: string, aad: string): string {
    const m = SHAPE.exec(sealed);
    if (!m) throw new CryptoError(CryptoErrorCode.MALFORMED_CIPHERTEXT, 'value is not a sealed box');
    const [, kid, epk, iv, tag, ct] = m;
    if (kid !== this.kid)
      throw new CryptoError(CryptoErrorCode.UNKNOWN_KEY, `sealed box is for key "${kid}", not "${this.kid}"`);
    const ephemeral = Buffer.from(epk, 'base64url');
    const shared = diffieHellman({ privateKey: this.#privateKey, publicKey: publicKeyFromRaw(ephemeral) });
    const key = boxKey(shared, ephemeral, Buffer.from(this.publicKey, 'base64url'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`x1.${kid}|${aad}`, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new CryptoError(
        CryptoErrorCode.DECRYPT_FAILED,
        'sealed box does not open (wrong key or context)',
      );
    }
  }
}

/** Seals `plaintext` to a recipient's public key: `x1.<kid>.<ephemeral>.<iv>.<tag>.<ct>`. */
export function sealToRecipient(
  recipient: { kid: string; publicKey: string },
  plaintext: string,
  aad: string,
): string {
  const recipientRaw = Buffer.from(recipient.publicKey, 'base64url');
  if (recipientRaw.length !== 32)
    throw new CryptoError(CryptoErrorCode.INVALID_KEY, 'a sealed-box public key is 32 bytes');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = rawPublicKey(ephemeral.publicKey);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: publicKeyFromRaw(recipientRaw),
  });
  const key = boxKey(shared, ephemeralRaw, recipientRaw);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`x1.${recipient.kid}|${aad}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'x1',
    recipient.kid,
    ephemeralRaw.toString('base64url'),
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ct.toString('base64url'),
  ].join('.');
}
