import { DomainError } from '@siyu/http';

export enum ApiKeysErrorCode {
  INVALID_API_KEY = 'INVALID_API_KEY',
  API_KEY_NOT_FOUND = 'API_KEY_NOT_FOUND',
}

export class ApiKeysError extends DomainError<ApiKeysErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ApiKeysErrorCode.INVALID_API_KEY:
        return 401;
      case ApiKeysErrorCode.API_KEY_NOT_FOUND:
        return 404;
    }
  }
}
