import { DomainError } from '@siyu/http';

export enum RetentionErrorCode {
  RETENTION_SHORTER_THAN_WINDOW = 'RETENTION_SHORTER_THAN_WINDOW',
}

export class RetentionError extends DomainError<RetentionErrorCode> {
  override readonly name = 'RetentionError';

  get httpStatus(): number {
    switch (this.code) {
      case RetentionErrorCode.RETENTION_SHORTER_THAN_WINDOW:
        return 422;
    }
  }
}
