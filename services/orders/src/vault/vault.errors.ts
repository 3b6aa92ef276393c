import { DomainError } from '@siyu/http';

export enum VaultErrorCode {
  ORDER_NOT_FOUND = 'ORDER_NOT_FOUND',
  PURPOSE_NOT_ALLOWED = 'PURPOSE_NOT_ALLOWED',
  RECEIVER_SHREDDED = 'RECEIVER_SHREDDED',
  REVEAL_BUDGET_EXCEEDED = 'REVEAL_BUDGET_EXCEEDED',
  LOOKUP_KEY_INVALID = 'LOOKUP_KEY_INVALID',
}

export class VaultError extends DomainError<VaultErrorCode> {
  override readonly name = 'VaultError';

  get httpStatus(): number {
    switch (this.code) {
      case VaultErrorCode.ORDER_NOT_FOUND:
        return 404;
      case VaultErrorCode.PURPOSE_NOT_ALLOWED:
        return 403;
      case VaultErrorCode.RECEIVER_SHREDDED:
        return 410;
      case VaultErrorCode.REVEAL_BUDGET_EXCEEDED:
        return 429;
      case VaultErrorCode.LOOKUP_KEY_INVALID:
        return 400;
    }
  }
}
