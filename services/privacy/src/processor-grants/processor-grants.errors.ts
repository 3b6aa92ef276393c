import { DomainError } from '@siyu/http';

export enum ProcessorGrantsErrorCode {
  INVALID_PERIOD = 'INVALID_PERIOD',
  DUTIES_NOT_ACKNOWLEDGED = 'DUTIES_NOT_ACKNOWLEDGED',
  GRANT_NOT_FOUND = 'GRANT_NOT_FOUND',
  GRANT_ALREADY_ENDED = 'GRANT_ALREADY_ENDED',
  GRANT_NOT_ENDED = 'GRANT_NOT_ENDED',
  DELETION_ALREADY_CONFIRMED = 'DELETION_ALREADY_CONFIRMED',
}

export class ProcessorGrantsError extends DomainError<ProcessorGrantsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ProcessorGrantsErrorCode.INVALID_PERIOD:
      case ProcessorGrantsErrorCode.DUTIES_NOT_ACKNOWLEDGED:
        return 400;
      case ProcessorGrantsErrorCode.GRANT_NOT_FOUND:
        return 404;
      case ProcessorGrantsErrorCode.GRANT_ALREADY_ENDED:
      case ProcessorGrantsErrorCode.GRANT_NOT_ENDED:
      case ProcessorGrantsErrorCode.DELETION_ALREADY_CONFIRMED:
        return 409;
    }
  }
}
