import { ProofRetentionError, ProofRetentionErrorCode } from './proof-retention.errors';

/** R20 / brand policy: proof is kept at least 5 months after the last withdrawal or expiry. */
export const MIN_PROOF_RETENTION_DAYS = 153;

/**
 * CONSENT_PROOF_RETENTION_DAYS (default and minimum 153 = 5 months). Read at start: a shorter period
 * would destroy proof the brand must still be able to show, so the service refuses to start.
 */
export function readProofRetentionDays(env: Record<string, string | undefined>): number {
  const raw = env.CONSENT_PROOF_RETENTION_DAYS?.trim();
  if (!raw) return MIN_PROOF_RETENTION_DAYS;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(days))
    throw new ProofRetentionError(
      ProofRetentionErrorCode.RETENTION_INVALID,
      `CONSENT_PROOF_RETENTION_DAYS must be a whole number of days, got "${raw}"`,
    );
  if (days < MIN_PROOF_RETENTION_DAYS)
    throw new ProofRetentionError(
      ProofRetentionErrorCode.RETENTION_BELOW_MINIMUM,
      `CONSENT_PROOF_RETENTION_DAYS is ${days}: proof of consent and withdrawal must be kept at least ${MIN_PROOF_RETENTION_DAYS} days (5 months) after the last withdrawal`,
    );
  return days;
}
