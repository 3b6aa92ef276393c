import { DomainError } from '@siyu/http';

export enum AgreementErrorCode {
  /** Marketing purposes recorded without naming the agreement that allows them. */
  AGREEMENT_REF_REQUIRED = 'AGREEMENT_REF_REQUIRED',
}

export class AgreementError extends DomainError<AgreementErrorCode> {
  override readonly name = 'AgreementError';

  get httpStatus(): number {
    switch (this.code) {
      case AgreementErrorCode.AGREEMENT_REF_REQUIRED:
        return 422;
    }
  }
}
