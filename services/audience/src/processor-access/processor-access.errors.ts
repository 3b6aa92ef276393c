import { DomainError } from '@siyu/http';

export enum ProcessorAccessErrorCode {
  SEGMENT_NOT_FOUND = 'PROCESSOR_SEGMENT_NOT_FOUND',
  CURSOR_UNKNOWN = 'PROCESSOR_CURSOR_UNKNOWN',
}

export class ProcessorAccessError extends DomainError<ProcessorAccessErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ProcessorAccessErrorCode.SEGMENT_NOT_FOUND:
        return 404;
      case ProcessorAccessErrorCode.CURSOR_UNKNOWN:
        return 400;
    }
  }
}
