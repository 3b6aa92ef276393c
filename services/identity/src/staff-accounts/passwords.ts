import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

export const PASSWORD_MIN_LENGTH = 12;
// Caps the work an anonymous caller can make argon2 do per request.
export const PASSWORD_MAX_LENGTH = 256;

// `Algorithm` is a const enum; swc does not inline it and the native binding exports no value for it.
const ARGON2ID: Algorithm = 2;
// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane), spelled out so a library default change is a diff here.
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export function passwordMatches(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same argon2 work as a real check when the username does not exist, so response
 * time does not tell which usernames are accounts. Always false.
 */
export async function spendPasswordCheck(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
  await verify(await dummyHash, password);
  return false;
}

/** 18 crypto-random bytes → 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
