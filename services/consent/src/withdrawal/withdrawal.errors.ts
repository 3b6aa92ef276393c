import { DomainError } from '@siyu/http';

export enum WithdrawalErrorCode {
  LINK_INVALID = 'UNSUBSCRIBE_LINK_INVALID',
  SIGNATURE_INVALID = 'WEBHOOK_SIGNATURE_INVALID',
  BODY_INVALID = 'WEBHOOK_BODY_INVALID',
}

export class WithdrawalError extends DomainError<WithdrawalErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case WithdrawalErrorCode.LINK_INVALID:
        return 404;
      case WithdrawalErrorCode.SIGNATURE_INVALID:
        return 401;
      case WithdrawalErrorCode.BODY_INVALID:
        return 400;
    }
  }
}
