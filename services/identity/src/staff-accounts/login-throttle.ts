export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;
const SWEEP_ABOVE_KEYS = 10_000;

/**
 * In-memory failure counter per key (username + client address). An attempt is counted when it
 * starts, not when it fails, so a burst of parallel guesses cannot slip past the limit; success
 * forgets the key. Per process: behind several replicas the effective limit is multiplied.
 */
export class LoginThrottle {
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records an attempt; false when the key already used up its failures in the window. */
  admit(key: string): boolean {
    const now = this.now();
    const recent = this.recent(key, now);
    if (recent.length >= LOGIN_FAILURE_LIMIT) return false;
    recent.push(now);
    this.attempts.set(key, recent);
    if (this.attempts.size > SWEEP_ABOVE_KEYS) this.sweep(now);
    return true;
  }

  /** After a successful login: earlier failures no longer count. */
  forget(key: string): void {
    this.attempts.delete(key);
  }

  /** Seconds until the oldest counted failure leaves the window. */
  retryAfterSeconds(key: string): number {
    const now = this.now();
    const [oldest] = this.recent(key, now);
    return oldest === undefined ? 0 : Math.ceil((oldest + LOGIN_FAILURE_WINDOW_MS - now) / 1000);
  }

  private recent(key: string, now: number): number[] {
    return (this.attempts.get(key) ?? []).filter((at) => now - at < LOGIN_FAILURE_WINDOW_MS);
  }

  private sweep(now: number): void {
    for (const [key, times] of this.attempts) {
      if (times.every((at) => now - at >= LOGIN_FAILURE_WINDOW_MS)) this.attempts.delete(key);
    }
  }
}
