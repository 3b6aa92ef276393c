import { TokenBucket } from './token-bucket';

describe('per-vendor token bucket', () => {
  it('paces takes beyond one second’s worth to the vendor rate', async () => {
    const bucket = new TokenBucket(1000);
    const t0 = Date.now();
    await bucket.take(1000);
    await bucket.take(200);
    // 200 more tokens at 1,000/s cannot be there before ~200 ms.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('returns tokens the gate did not use, so they are not waited for again', async () => {
    const bucket = new TokenBucket(10);
    await bucket.take(10);
    bucket.giveBack(10);
    const t0 = Date.now();
    await bucket.take(10);
    // Without the give-back, 10 tokens at 10/s would take a full second.
    expect(Date.now() - t0).toBeLessThan(900);
  });
});
