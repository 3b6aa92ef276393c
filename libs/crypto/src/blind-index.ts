import { createHmac, createSecretKey, KeyObject } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors';
import { assertKeyLength, decodeBase64Key } from './key-material';

/**
 * Keyed HMAC-SHA256 for equality lookups on encrypted fields and for pseudonyms of platform ids
 * (R1: a buyer id is personal even when masked, so only its keyed pseudonym is stored in the clear).
 * Its key must differ from any key-encryption key. It has no kid: changing it means recomputing
 * every stored index.
 */
export class BlindIndex {
  readonly #key: KeyObject;

  constructor(key: Buffer) {
    assertKeyLength(key, 'blind-index key');
    this.#key = createSecretKey(key);
  }

  static fromBase64(b64: string): BlindIndex {
    return new BlindIndex(decodeBase64Key(b64, 'blind-index key'));
  }

  /**
   * 64 hex chars of HMAC-SHA256(domain + '\0' + value.trim()). The domain (e.g. 'phone',
   * 'taobao-oaid') keeps equal values in different fields from matching. Normalise before calling.
   */
  compute(domain: string, value: string): string {
    if (domain.length === 0 || domain.includes('\0')) {
      throw new CryptoError(
        CryptoErrorCode.INVALID_ARGUMENT,
        'blind-index domain must be non-empty without NUL',
      );
    }
    const trimmed = value.trim();
    // An empty value would index every blank field as the same person.
    if (trimmed.length === 0) {
      throw new CryptoError(CryptoErrorCode.INVALID_ARGUMENT, `blind-index value for "${domain}" is empty`);
    }
    return createHmac('sha256', this.#key).update(`${domain}\0${trimmed}`, 'utf8').digest('hex');
  }

  /** Keyed pseudonym of e.g. a platform buyer id; same construction as `compute`. */
  pseudonym(domain: string, value: string): string {
    return this.compute(domain, value);
  }
}
