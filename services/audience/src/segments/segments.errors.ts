import { DomainError } from '@siyu/http';

export enum SegmentErrorCode {
  NOT_FOUND = 'SEGMENT_NOT_FOUND',
  INVALID_RULE = 'SEGMENT_RULE_INVALID',
}

export class SegmentError extends DomainError<SegmentErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case SegmentErrorCode.NOT_FOUND:
        return 404;
      case SegmentErrorCode.INVALID_RULE:
        return 400;
    }
  }
}
