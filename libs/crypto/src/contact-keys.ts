import { createSecretKey, type KeyObject } from 'node:crypto';
import { decrypt, encrypt, open, seal, type Sealed } from './envelope';
import { CryptoError, CryptoErrorCode } from './errors';
import { assertKid, assertKeyLength, decodeBase64Key } from './key-material';

/** A contact point (phone, WeChat openid) sealed under the contact key ring (ADR 0003). */
export type SealedContact = Sealed<'contact-point'>;

const CONTACT_PREFIX = 'c1';
const LEGACY_PREFIX = 's1';
// c1.<kid>.<iv>.<tag>.<ct>: the kid is the second part, so the ring knows which key opens it.
const CONTACT_SHAPE = /^c1\.([A-Za-z0-9_-]{1,32})\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;
const LEGACY_SHAPE = /^s1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;

/** One entry of CONTACT_KEYS. */
export class ContactKey {
  readonly #key: KeyObject;

  constructor(
    readonly kid: string,
    key: Buffer,
  ) {
    assertKid(kid);
    assertKeyLength(key, `contact key "${kid}"`);
    this.#key = createSecretKey(key);
  }

  static fromBase64(kid: string, b64: string): ContactKey {
    assertKid(kid);
    return new ContactKey(kid, decodeBase64Key(b64, `CONTACT_KEYS key "${kid}"`));
  }

  seal(plaintext: string, aad: string): SealedContact {
    const header = `${CONTACT_PREFIX}.${this.kid}`;
    return `${header}.${encrypt(this.#key, Buffer.from(plaintext, 'utf8'), headerAad(header, aad))}` as SealedContact;
  }

  open(parts: string[], aad: string): string {
    const header = `${CONTACT_PREFIX}.${this.kid}`;
    return decrypt(this.#key, parts, headerAad(header, aad)).toString('utf8');
  }
}

// The header is authenticated with the caller's AAD (the subject ref), as wrapped keys do with theirs.
function headerAad(header: string, aad: string): string {
  return `${header}|${aad}`;
}

/**
 * The key ring for contact points (CONTACT_KEYS): the first key seals, every key opens, and each
 * sealed value names its kid (`c1.<kid>.…`). A legacy CONTACT_KEY (bare base64, no kid) still opens
 * the `s1.` values sealed before the ring existed, and seals (as `s1.`) while CONTACT_KEYS is unset.
 * Rotation: put a new key first, re-seal every stored value, wait out event retention, drop the old.
 */
export class ContactKeyRing {
  readonly #byKid: Map<string, ContactKey>;
  readonly #legacy: Buffer | undefined;
  /** The kid new values are sealed under; null while only the legacy CONTACT_KEY is set. */
  readonly currentKid: string | null;

  constructor(keys: readonly ContactKey[], legacy?: Buffer) {
    if (keys.length === 0 && !legacy)
      throw new CryptoError(CryptoErrorCode.INVALID_KEY, 'a contact key ring needs at least one key');
    if (legacy) assertKeyLength(legacy, 'CONTACT_KEY (legacy)');
    this.#byKid = new Map();
    for (const key of keys) {
      if (this.#byKid.has(key.kid))
        throw new CryptoError(CryptoErrorCode.INVALID_KEY, `kid "${key.kid}" appears twice in CONTACT_KEYS`);
      this.#byKid.set(key.kid, key);
    }
    this.#legacy = legacy;
    this.currentKid = keys[0]?.kid ?? null;
  }

  /** The kids that open, in order; `CONTACT_KEY` stands for the legacy key. */
  get kids(): string[] {
    return [...this.#byKid.keys(), ...(this.#legacy ? ['CONTACT_KEY'] : [])];
  }

  /** How every value sealed under the current key starts (`c1.<kid>.`, or `s1.` for the legacy key). */
  get currentPrefix(): string {
    return this.currentKid === null ? `${LEGACY_PREFIX}.` : `${CONTACT_PREFIX}.${this.currentKid}.`;
  }

  /** `aad` binds the value to its row (the subject ref), so it cannot be moved to another. */
  seal(plaintext: string, aad: string): SealedContact {
    if (this.currentKid === null) return seal<'contact-point'>(this.#legacy!, plaintext, aad);
    return this.#byKid.get(this.currentKid)!.seal(plaintext, aad);
  }

  open(sealed: string, aad: string): string {
    const kid = this.sealedUnder(sealed);
    if (kid === null) {
      if (!this.#legacy)
        throw new CryptoError(
          CryptoErrorCode.UNKNOWN_KEY,
          `contact point is sealed under the legacy CONTACT_KEY, which is not set (have: ${this.kids.join(', ')})`,
        );
      return open(this.#legacy, sealed as Sealed, aad);
    }
    const key = this.#byKid.get(kid);
    if (!key)
      throw new CryptoError(
        CryptoErrorCode.UNKNOWN_KEY,
        `contact point is sealed under "${kid}", which is not in CONTACT_KEYS (have: ${this.kids.join(', ') || 'none'})`,
      );
    return key.open(sealed.split('.').slice(2), aad);
  }

  /** The kid a value names, or null for a legacy `s1.` value; the shape is checked, not the key. */
  sealedUnder(sealed: string): string | null {
    if (LEGACY_SHAPE.test(sealed)) return null;
    const m = CONTACT_SHAPE.exec(sealed);
    if (!m)
      throw new CryptoError(CryptoErrorCode.MALFORMED_CIPHERTEXT, 'value is not a sealed contact point');
    return m[1];
  }

  needsReseal(sealed: string): boolean {
    return this.sealedUnder(sealed) !== this.currentKid;
  }

  /** Opens with whichever key sealed it and seals again under the current key. */
  reseal(sealed: string, aad: string): SealedContact {
    return this.seal(this.open(sealed, aad), aad);
  }

  /**
   * For re-sealing runs, which go on past a value they cannot open: the value under the current
   * key, or the key it names (`CONTACT_KEY` for a legacy value) and why it does not open.
   */
  tryReseal(
    sealed: string,
    aad: string,
  ): { resealed: SealedContact } | { unopenable: { sealedUnder: string; code: CryptoErrorCode } } {
    try {
      return { resealed: this.reseal(sealed, aad) };
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      let sealedUnder: string;
      try {
        sealedUnder = this.sealedUnder(sealed) ?? 'CONTACT_KEY';
      } catch {
        sealedUnder = 'malformed';
      }
      return { unopenable: { sealedUnder, code: err.code } };
    }
  }
}
