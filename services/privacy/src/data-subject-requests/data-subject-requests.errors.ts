import { DomainError } from '@siyu/http';

export enum DataSubjectRequestsErrorCode {
  REQUEST_NOT_FOUND = 'REQUEST_NOT_FOUND',
  EXPORT_NOT_READY = 'EXPORT_NOT_READY',
  NOT_AN_ACCESS_REQUEST = 'NOT_AN_ACCESS_REQUEST',
  INVALID_CORRECTION = 'INVALID_CORRECTION',
  NO_SERVICE_HOLDS_FIELD = 'NO_SERVICE_HOLDS_FIELD',
}

export class DataSubjectRequestsError extends DomainError<DataSubjectRequestsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case DataSubjectRequestsErrorCode.REQUEST_NOT_FOUND:
        return 404;
      case DataSubjectRequestsErrorCode.INVALID_CORRECTION:
        return 400;
      case DataSubjectRequestsErrorCode.EXPORT_NOT_READY:
      case DataSubjectRequestsErrorCode.NOT_AN_ACCESS_REQUEST:
      case DataSubjectRequestsErrorCode.NO_SERVICE_HOLDS_FIELD:
        return 409;
    }
  }
}
