import { createHash, randomBytes } from 'node:crypto';

const API_KEY_PATTERN = /^sk_[A-Za-z0-9_-]{43}$/;

/** `sk_` + 32 crypto-random bytes, base64url. Shown once; only its SHA-256 is stored. */
export function generateApiKey(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

// A 256-bit random key needs no slow hash: nothing about it can be guessed offline.
export function sha256OfApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(value: unknown): value is string {
  return typeof value === 'string' && API_KEY_PATTERN.test(value);
}
