import { MIN_PROOF_RETENTION_DAYS, readProofRetentionDays } from './proof-retention';
import { ProofRetentionErrorCode } from './proof-retention.errors';

describe('CONSENT_PROOF_RETENTION_DAYS', () => {
  it('defaults to 153 days (5 months) and accepts longer periods', () => {
    expect(readProofRetentionDays({})).toBe(153);
    expect(MIN_PROOF_RETENTION_DAYS).toBe(153);
    expect(readProofRetentionDays({ CONSENT_PROOF_RETENTION_DAYS: '365' })).toBe(365);
  });

  it('refuses a period below the legal minimum, naming it', () => {
    expect(() => readProofRetentionDays({ CONSENT_PROOF_RETENTION_DAYS: '152' })).toThrow(
      expect.objectContaining({
        code: ProofRetentionErrorCode.RETENTION_BELOW_MINIMUM,
        message: expect.stringContaining('must be kept at least 153 days (5 months)'),
      }),
    );
  });

  it('refuses what is not a whole number of days', () => {
    for (const raw of ['5 months', '-200', '200.5'])
      expect(() => readProofRetentionDays({ CONSENT_PROOF_RETENTION_DAYS: raw })).toThrow(
        expect.objectContaining({ code: ProofRetentionErrorCode.RETENTION_INVALID }),
      );
  });
});
