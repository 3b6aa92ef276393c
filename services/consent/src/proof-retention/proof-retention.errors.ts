import { DomainError } from '@siyu/http';

export enum ProofRetentionErrorCode {
  RETENTION_BELOW_MINIMUM = 'PROOF_RETENTION_BELOW_MINIMUM',
  RETENTION_INVALID = 'PROOF_RETENTION_INVALID',
}

export class ProofRetentionError extends DomainError<ProofRetentionErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ProofRetentionErrorCode.RETENTION_BELOW_MINIMUM:
      case ProofRetentionErrorCode.RETENTION_INVALID:
        return 500;
    }
  }
}
