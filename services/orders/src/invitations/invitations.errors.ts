import { DomainError } from '@siyu/auth';

export enum InvitationsErrorCode {
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
}

export class InvitationsError extends DomainError<InvitationsErrorCode> {
  override readonly name = 'InvitationsError';

  get httpStatus(): number {
    switch (this.code) {
      case InvitationsErrorCode.ORDER_NOT_FOUND:
        return 404;
    }
  }
}
