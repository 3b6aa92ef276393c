/**
 * Per-vendor throughput: a token bucket refilled at `ratePerSecond`, holding at most one second's
 * worth. Tokens are taken before the gate runs, so the wait never sits between the gate's decision
 * and the vendor call (ADR 0006).
 */
export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  constructor(private readonly ratePerSecond: number) {
    this.tokens = ratePerSecond;
  }

  async take(n: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(
        this.ratePerSecond,
        this.tokens + ((now - this.last) / 1000) * this.ratePerSecond,
      );
      this.last = now;
      if (this.tokens >= n || (n > this.ratePerSecond && this.tokens >= this.ratePerSecond)) {
        this.tokens -= n;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((n - this.tokens) / this.ratePerSecond) * 1000)));
    }
  }

  /** Returns tokens taken for messages the gate did not admit. */
  giveBack(n: number): void {
    this.tokens = Math.min(this.ratePerSecond, this.tokens + n);
  }
}
