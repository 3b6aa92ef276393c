import { createHash } from 'node:crypto';
import { CryptoError, CryptoErrorCode } from './errors';

/** The `prevHash` of the first entry of every chain. */
export const CHAIN_GENESIS = '0'.repeat(64);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** sha256 hex of `(prevHash ?? CHAIN_GENESIS) + '\n' + canonicalBody`. */
export function chainHash(prevHash: string | null, canonicalBody: string): string {
  if (prevHash !== null && !SHA256_HEX.test(prevHash)) {
    throw new CryptoError(
      CryptoErrorCode.INVALID_ARGUMENT,
      'prevHash must be 64 lowercase hex chars or null',
    );
  }
  return createHash('sha256')
    .update(`${prevHash ?? CHAIN_GENESIS}\n${canonicalBody}`, 'utf8')
    .digest('hex');
}

export interface ChainLink {
  /** The canonical body exactly as it was hashed. */
  body: string;
  hash: string;
}

export type ChainVerdict = { intact: true } | { intact: false; brokenAt: number };

/**
 * Recomputes the chain in order; `brokenAt` is the index of the first link whose stored hash does not
 * follow from its body and its predecessor. Pass `prevHash` to verify a segment starting mid-chain.
 */
export function verifyChain(links: readonly ChainLink[], prevHash: string | null = null): ChainVerdict {
  let prev = prevHash;
  for (const [index, link] of links.entries()) {
    if (chainHash(prev, link.body) !== link.hash) return { intact: false, brokenAt: index };
    prev = link.hash;
  }
  return { intact: true };
}

/**
 * Stable JSON for hashing: keys sorted, no whitespace, Dates as ISO strings, `undefined` object
 * properties omitted. Only plain objects, arrays and JSON scalars are accepted — anything that
 * JSON.stringify would silently alter (NaN, Map, class instances, bigint) throws instead.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw unsupported(String(value));
    return JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw unsupported(proto?.constructor?.name ?? 'object');
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  throw unsupported(typeof value);
}

function unsupported(what: string): CryptoError {
  return new CryptoError(CryptoErrorCode.INVALID_ARGUMENT, `canonicalJson cannot encode ${what}`);
}
