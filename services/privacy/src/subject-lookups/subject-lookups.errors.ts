import { DomainError } from '@siyu/http';

export enum SubjectLookupsErrorCode {
  PHONE_INVALID = 'PHONE_INVALID',
  NOT_READY = 'NOT_READY',
  LOOKUP_NOT_FOUND = 'LOOKUP_NOT_FOUND',
}

export class SubjectLookupsError extends DomainError<SubjectLookupsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case SubjectLookupsErrorCode.PHONE_INVALID:
        return 400;
      case SubjectLookupsErrorCode.NOT_READY:
        return 503;
      case SubjectLookupsErrorCode.LOOKUP_NOT_FOUND:
        return 404;
    }
  }
}
