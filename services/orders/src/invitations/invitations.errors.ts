import { DomainError } from '@siyu/http';

export enum InvitationsErrorCode {
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  NO_ORDERS_SHIPPED = 'NO_ORDERS_SHIPPED',
}

export class InvitationsError extends DomainError<InvitationsErrorCode> {
  override readonly name = 'InvitationsError';

  get httpStatus(): number {
    switch (this.code) {
      case InvitationsErrorCode.ORDER_NOT_FOUND:
        return 404;
      case InvitationsErrorCode.NO_ORDERS_SHIPPED:
        return 404;
    }
  }
}
