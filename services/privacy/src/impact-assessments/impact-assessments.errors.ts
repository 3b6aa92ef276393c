import { DomainError } from '@siyu/http';

export enum ImpactAssessmentsErrorCode {
  UNKNOWN_ASSESSMENT_SUBJECT = 'UNKNOWN_ASSESSMENT_SUBJECT',
}

export class ImpactAssessmentsError extends DomainError<ImpactAssessmentsErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ImpactAssessmentsErrorCode.UNKNOWN_ASSESSMENT_SUBJECT:
        return 400;
    }
  }
}
