import { pooledRandomBytes } from './random-pool';

describe('pooledRandomBytes', () => {
  it('never hands out the same bytes twice, across pool refills', () => {
    // 20,000 × 12 bytes spans several 64 KiB pools.
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(pooledRandomBytes(12).toString('hex'));
    expect(seen.size).toBe(20_000);
  });

  it('returns copies: changing one does not change the next draw', () => {
    const a = pooledRandomBytes(32);
    a.fill(0);
    const b = pooledRandomBytes(32);
    expect(b.equals(Buffer.alloc(32))).toBe(false);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it('refuses sizes it cannot serve', () => {
    expect(() => pooledRandomBytes(0)).toThrow(RangeError);
    expect(() => pooledRandomBytes(64 * 1024 + 1)).toThrow(RangeError);
    expect(() => pooledRandomBytes(1.5)).toThrow(RangeError);
  });
});
