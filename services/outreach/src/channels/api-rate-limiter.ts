/**
 * A token bucket for vendor API calls (WeCom and WeChat answer 45009/45033 past their frequency
 * limits): `take()` waits until a token is free, so a burst is spread instead of refused.
 */
export class ApiRateLimiter {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    // Burst 1 (even spacing): vendors count calls in sliding windows, where a full bucket plus
    // its refill would allow twice the rate within one second.
    private readonly burst = 1,
  ) {
    this.tokens = burst;
  }

  take(): Promise<void> {
    const next = this.queue.then(() => this.waitForToken());
    this.queue = next;
    return next;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.perSecond) * 1000)));
    }
  }
}
