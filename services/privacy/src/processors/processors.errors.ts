import { DomainError } from '@siyu/http';

export enum ProcessorsErrorCode {
  PROCESSOR_NOT_FOUND = 'PROCESSOR_NOT_FOUND',
}

export class ProcessorsError extends DomainError<ProcessorsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ProcessorsErrorCode.PROCESSOR_NOT_FOUND:
        return 404;
    }
  }
}
