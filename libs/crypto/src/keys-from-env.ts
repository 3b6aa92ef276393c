import { randomBytes } from 'node:crypto';
import { BlindIndex } from './blind-index';
import { ContactKey, ContactKeyRing } from './contact-keys';
import { KeyEncryptionKey, KeyRing } from './envelope';
import { CryptoError, CryptoErrorCode } from './errors';
import { decodeBase64Key, KEY_BYTES } from './key-material';
import { SigningKey, SigningKeyRing } from './signing-keys';
import { TokenSigner, TokenSigningKey } from './signed-token';

type Env = Record<string, string | undefined>;

/** `${prefix}_KEK` = `kid:base64,kid:base64,…`; the first entry is the current KEK. */
export function loadCryptoKeys(env: Env, prefix: string): KeyRing {
  const keys = readKeyList(env, `${prefix}_KEK`).map(([kid, b64]) => KeyEncryptionKey.fromBase64(kid, b64));
  return new KeyRing(keys[0], keys.slice(1));
}

/** `${prefix}_TOKEN_KEYS` = `kid:base64,…`; the first entry signs, all verify. */
export function loadTokenSigner(env: Env, prefix: string): TokenSigner {
  const keys = readKeyList(env, `${prefix}_TOKEN_KEYS`).map(([kid, b64]) =>
    TokenSigningKey.fromBase64(kid, b64),
  );
  return new TokenSigner(keys[0], keys.slice(1));
}

/** `${prefix}_SIGNING_KEYS` = `kid:base64 seed,…` (Ed25519); the first entry signs, all verify. */
export function loadSigningKeys(env: Env, prefix: string): SigningKeyRing {
  const keys = readKeyList(env, `${prefix}_SIGNING_KEYS`).map(([kid, b64]) =>
    SigningKey.fromBase64(kid, b64),
  );
  return new SigningKeyRing(keys[0], keys.slice(1));
}

/**
 * `CONTACT_KEYS` = `kid:base64,…`: the first entry seals contact points, all open (ADR 0003).
 * `CONTACT_KEY` = bare base64, the key from before CONTACT_KEYS: it opens `s1.` values, and seals
 * while CONTACT_KEYS is unset, so a deployment that only has it keeps working unchanged.
 */
export function loadContactKeys(env: Env): ContactKeyRing {
  const listed = env.CONTACT_KEYS?.trim()
    ? readKeyList(env, 'CONTACT_KEYS').map(([kid, b64]) => ContactKey.fromBase64(kid, b64))
    : [];
  const legacy = env.CONTACT_KEY?.trim();
  if (listed.length === 0 && !legacy)
    throw new CryptoError(
      CryptoErrorCode.INVALID_KEY,
      'CONTACT_KEYS is not set (nor the legacy CONTACT_KEY)',
    );
  if (legacy?.includes(':'))
    throw new CryptoError(
      CryptoErrorCode.INVALID_KEY,
      'CONTACT_KEY is the legacy bare base64 key; put "kid:base64" entries in CONTACT_KEYS',
    );
  return new ContactKeyRing(listed, legacy ? decodeBase64Key(legacy, 'CONTACT_KEY (legacy)') : undefined);
}

/** `${prefix}_BLIND_INDEX_KEY` = base64 (no kid: see BlindIndex). */
export function loadBlindIndex(env: Env, prefix: string): BlindIndex {
  return BlindIndex.fromBase64(requireVar(env, `${prefix}_BLIND_INDEX_KEY`));
}

/** A fresh random 32-byte key as base64, for config and tests. */
export function generateKeyMaterial(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

function readKeyList(env: Env, name: string): [kid: string, b64: string][] {
  const entries = requireVar(env, name)
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new CryptoError(CryptoErrorCode.INVALID_KEY, `${name} lists no keys`);
  // Messages give the entry's position, never its text: it holds key material.
  return entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new CryptoError(CryptoErrorCode.INVALID_KEY, `${name} entry ${i + 1} is not "kid:base64"`);
    }
    return [entry.slice(0, colon).trim(), entry.slice(colon + 1).trim()];
  });
}

function requireVar(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim().length === 0) {
    throw new CryptoError(CryptoErrorCode.INVALID_KEY, `${name} is not set`);
  }
  return value;
}
