import { DomainError } from '@siyu/http';

export enum NoticeErrorCode {
  INCOMPLETE = 'NOTICE_INCOMPLETE',
  DUPLICATE = 'NOTICE_DUPLICATE',
  NONE_PUBLISHED = 'NO_NOTICE',
}

export class NoticeError extends DomainError<NoticeErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case NoticeErrorCode.INCOMPLETE:
        return 422;
      case NoticeErrorCode.DUPLICATE:
        return 409;
      case NoticeErrorCode.NONE_PUBLISHED:
        return 404;
    }
  }
}
