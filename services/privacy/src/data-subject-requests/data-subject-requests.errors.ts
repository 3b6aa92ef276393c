import { DomainError } from '@siyu/auth';

export enum DataSubjectRequestsErrorCode {
  REQUEST_NOT_FOUND = 'REQUEST_NOT_FOUND',
  EXPORT_NOT_READY = 'EXPORT_NOT_READY',
  NOT_AN_ACCESS_REQUEST = 'NOT_AN_ACCESS_REQUEST',
}

export class DataSubjectRequestsError extends DomainError<DataSubjectRequestsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case DataSubjectRequestsErrorCode.REQUEST_NOT_FOUND:
        return 404;
      case DataSubjectRequestsErrorCode.EXPORT_NOT_READY:
      case DataSubjectRequestsErrorCode.NOT_AN_ACCESS_REQUEST:
        return 409;
    }
  }
}
