/**
 * A per-key request budget shared by every process that asks the same store (issue 14): public
 * customer pages count requests per client address, and N processes must not allow N times the limit.
 * A store answers atomically for one request; the key it is given is already a keyed hash (an address
 * is personal data, R1), never the address itself.
 */
export interface RateLimitStore {
  /** Counts one request against `key` and says whether it is within `limit` per `windowSeconds`. */
  take(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision>;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Whole seconds until the window that refused this request ends (≥ 1); sent as Retry-After. */
  retryAfterSeconds: number;
}

/** The `Retry-After` value for a refusal: whole seconds, at least 1 (RFC 9110 §10.2.3). */
export function retryAfterHeader(decision: RateLimitDecision): string {
  return String(Math.max(1, Math.ceil(decision.retryAfterSeconds)));
}
