import { DomainError } from '@siyu/http';

export enum ApiKeysErrorCode {
  INVALID_API_KEY = 'INVALID_API_KEY',
  API_KEY_NOT_FOUND = 'API_KEY_NOT_FOUND',
  GRANT_REQUIRED = 'GRANT_REQUIRED',
  GRANT_NOT_FOR_ROLE = 'GRANT_NOT_FOR_ROLE',
  GRANT_UNKNOWN = 'GRANT_UNKNOWN',
  PROCESSOR_GRANT_ENDED = 'PROCESSOR_GRANT_ENDED',
  PROCESSOR_GRANT_NOT_STARTED = 'PROCESSOR_GRANT_NOT_STARTED',
}

export class ApiKeysError extends DomainError<ApiKeysErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ApiKeysErrorCode.INVALID_API_KEY:
        return 401;
      case ApiKeysErrorCode.API_KEY_NOT_FOUND:
        return 404;
      case ApiKeysErrorCode.GRANT_REQUIRED:
      case ApiKeysErrorCode.GRANT_NOT_FOR_ROLE:
        return 400;
      case ApiKeysErrorCode.GRANT_UNKNOWN:
      case ApiKeysErrorCode.PROCESSOR_GRANT_ENDED:
        return 409;
      case ApiKeysErrorCode.PROCESSOR_GRANT_NOT_STARTED:
        return 403;
    }
  }
}
