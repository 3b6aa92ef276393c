import { DomainError } from '@siyu/auth';

export enum ImportsErrorCode {
  PLATFORM_NOT_SUPPORTED = 'PLATFORM_NOT_SUPPORTED',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  EMPTY_FILE = 'EMPTY_FILE',
  NOT_CSV = 'NOT_CSV',
  NOT_UTF8 = 'NOT_UTF8',
  MISSING_COLUMNS = 'MISSING_COLUMNS',
  IMPORT_NOT_FOUND = 'IMPORT_NOT_FOUND',
}

/** A refused import (nothing written) or a failed lookup. Messages never quote file contents. */
export class ImportsError extends DomainError<ImportsErrorCode> {
  override readonly name = 'ImportsError';

  get httpStatus(): number {
    switch (this.code) {
      case ImportsErrorCode.PLATFORM_NOT_SUPPORTED:
        return 400;
      case ImportsErrorCode.UNSUPPORTED_MEDIA_TYPE:
        return 415;
      case ImportsErrorCode.EMPTY_FILE:
      case ImportsErrorCode.NOT_CSV:
      case ImportsErrorCode.NOT_UTF8:
      case ImportsErrorCode.MISSING_COLUMNS:
        return 422;
      case ImportsErrorCode.IMPORT_NOT_FOUND:
        return 404;
    }
  }
}
