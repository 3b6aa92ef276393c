import { DomainError } from '@siyu/http';

export enum ProcessorAccessErrorCode {
  SEGMENT_NOT_FOUND = 'PROCESSOR_SEGMENT_NOT_FOUND',
}

export class ProcessorAccessError extends DomainError<ProcessorAccessErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ProcessorAccessErrorCode.SEGMENT_NOT_FOUND:
        return 404;
    }
  }
}
