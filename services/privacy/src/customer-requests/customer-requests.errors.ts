import { DomainError } from '@siyu/http';

export enum CustomerRequestsErrorCode {
  PHONE_INVALID = 'PHONE_INVALID',
  KIND_INVALID = 'KIND_INVALID',
  TIME_ZONE_INVALID = 'TIME_ZONE_INVALID',
  NOT_READY = 'NOT_READY',
  CHALLENGE_UNKNOWN = 'CHALLENGE_UNKNOWN',
  CODE_WRONG = 'CODE_WRONG',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  STILL_CHECKING = 'STILL_CHECKING',
  STATUS_LINK_INVALID = 'STATUS_LINK_INVALID',
  EXPORT_NOT_READY = 'EXPORT_NOT_READY',
}

export class CustomerRequestsError extends DomainError<CustomerRequestsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CustomerRequestsErrorCode.PHONE_INVALID:
      case CustomerRequestsErrorCode.KIND_INVALID:
      case CustomerRequestsErrorCode.TIME_ZONE_INVALID:
      case CustomerRequestsErrorCode.CODE_WRONG:
        return 400;
      case CustomerRequestsErrorCode.CHALLENGE_UNKNOWN:
      case CustomerRequestsErrorCode.STATUS_LINK_INVALID:
        return 404;
      case CustomerRequestsErrorCode.STILL_CHECKING:
      case CustomerRequestsErrorCode.EXPORT_NOT_READY:
        return 409;
      case CustomerRequestsErrorCode.TOO_MANY_ATTEMPTS:
        return 429;
      case CustomerRequestsErrorCode.NOT_READY:
        return 503;
    }
  }
}
