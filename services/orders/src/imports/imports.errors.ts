import { DomainError } from '@siyu/http';

export enum ImportsErrorCode {
  PLATFORM_NOT_SUPPORTED = 'PLATFORM_NOT_SUPPORTED',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  EMPTY_FILE = 'EMPTY_FILE',
  /** A ZIP that is not a workbook, an image, a PDF, binary data renamed `.csv`. */
  NOT_AN_ORDER_EXPORT = 'NOT_AN_ORDER_EXPORT',
  UNSUPPORTED_ENCODING = 'UNSUPPORTED_ENCODING',
  MISSING_COLUMNS = 'MISSING_COLUMNS',
  /** The header matches another platform's export better than the one named. */
  WRONG_PLATFORM = 'WRONG_PLATFORM',
  /** The file ends inside a record or a workbook part (an interrupted download). */
  TRUNCATED_FILE = 'TRUNCATED_FILE',
  /** A record so large that reading on is unsafe (no line breaks for megabytes). */
  RECORD_TOO_LARGE = 'RECORD_TOO_LARGE',
  BAD_MAPPING_FILE = 'BAD_MAPPING_FILE',
  /** Content-Type says multipart/form-data but the body is not (no boundary, broken parts, cut off). */
  MULTIPART_INVALID = 'MULTIPART_INVALID',
  /** A multipart upload without a file part named `file`. */
  MULTIPART_NO_FILE = 'MULTIPART_NO_FILE',
  MULTIPART_TWO_FILES = 'MULTIPART_TWO_FILES',
  /** A part other than `file` and `mapping`, or `mapping` after the file. */
  MULTIPART_UNKNOWN_FIELD = 'MULTIPART_UNKNOWN_FIELD',
  /** The file part is larger than IMPORT_UPLOAD_MAX_BYTES. */
  UPLOAD_TOO_LARGE = 'UPLOAD_TOO_LARGE',
  IMPORT_NOT_FOUND = 'IMPORT_NOT_FOUND',
}

/** A refused import (nothing written) or a failed lookup. Messages never quote file contents. */
export class ImportsError extends DomainError<ImportsErrorCode> {
  override readonly name = 'ImportsError';

  get httpStatus(): number {
    switch (this.code) {
      case ImportsErrorCode.PLATFORM_NOT_SUPPORTED:
      case ImportsErrorCode.BAD_MAPPING_FILE:
      case ImportsErrorCode.MULTIPART_INVALID:
      case ImportsErrorCode.MULTIPART_NO_FILE:
      case ImportsErrorCode.MULTIPART_TWO_FILES:
      case ImportsErrorCode.MULTIPART_UNKNOWN_FIELD:
        return 400;
      case ImportsErrorCode.UPLOAD_TOO_LARGE:
        return 413;
      case ImportsErrorCode.UNSUPPORTED_MEDIA_TYPE:
        return 415;
      case ImportsErrorCode.EMPTY_FILE:
      case ImportsErrorCode.NOT_AN_ORDER_EXPORT:
      case ImportsErrorCode.UNSUPPORTED_ENCODING:
      case ImportsErrorCode.MISSING_COLUMNS:
      case ImportsErrorCode.WRONG_PLATFORM:
      case ImportsErrorCode.TRUNCATED_FILE:
      case ImportsErrorCode.RECORD_TOO_LARGE:
        return 422;
      case ImportsErrorCode.IMPORT_NOT_FOUND:
        return 404;
    }
  }
}
