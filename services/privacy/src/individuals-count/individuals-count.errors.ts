import { DomainError } from '@siyu/http';

export enum IndividualsCountErrorCode {
  NO_COUNT_YET = 'NO_COUNT_YET',
}

export class IndividualsCountError extends DomainError<IndividualsCountErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case IndividualsCountErrorCode.NO_COUNT_YET:
        return 404;
    }
  }
}
