import { DomainError } from '@siyu/http';

export enum StaffAccountsErrorCode {
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  USERNAME_TAKEN = 'USERNAME_TAKEN',
  CURRENT_PASSWORD_WRONG = 'CURRENT_PASSWORD_WRONG',
  PASSWORD_UNCHANGED = 'PASSWORD_UNCHANGED',
  ACCOUNT_UNAVAILABLE = 'ACCOUNT_UNAVAILABLE',
}

export class StaffAccountsError extends DomainError<StaffAccountsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case StaffAccountsErrorCode.INVALID_CREDENTIALS:
        return 401;
      case StaffAccountsErrorCode.TOO_MANY_ATTEMPTS:
        return 429;
      case StaffAccountsErrorCode.USERNAME_TAKEN:
        return 409;
      case StaffAccountsErrorCode.CURRENT_PASSWORD_WRONG:
        return 403;
      case StaffAccountsErrorCode.PASSWORD_UNCHANGED:
        return 422;
      case StaffAccountsErrorCode.ACCOUNT_UNAVAILABLE:
        return 403;
    }
  }
}
