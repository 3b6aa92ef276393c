import { randomFillSync } from 'node:crypto';

// One CSPRNG call per 64 KiB instead of one per IV: on a million-row import `randomBytes(12)` per
// value cost ~2.4 µs each, four times a row. Bytes handed out are never handed out again.
const POOL_BYTES = 64 * 1024;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `n` fresh random bytes (n ≤ 64 KiB) from a pooled CSPRNG buffer. The result is a copy: callers may
 * keep it (data keys) or zero it without touching the pool.
 */
export function pooledRandomBytes(n: number): Buffer {
  if (!Number.isInteger(n) || n <= 0 || n > POOL_BYTES) throw new RangeError(`cannot draw ${n} random bytes`);
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const out = Buffer.alloc(n);
  pool.copy(out, 0, offset, offset + n);
  // Wipe what was handed out, so the pool never holds a copy of a data key.
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
