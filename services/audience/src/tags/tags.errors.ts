import { DomainError } from '@siyu/http';

export enum TagErrorCode {
  INVALID_DEFINITION = 'TAG_DEFINITION_INVALID',
  NOT_FOUND = 'TAG_NOT_FOUND',
  NOT_A_PREDICTION = 'TAG_NOT_A_PREDICTION',
  NOT_ENOUGH_HISTORY = 'TAG_NOT_ENOUGH_HISTORY',
  MEMBER_TAG_NOT_FOUND = 'MEMBER_TAG_NOT_FOUND',
  INVALID_CATALOGUE = 'CATALOGUE_INVALID',
}

export class TagError extends DomainError<TagErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case TagErrorCode.INVALID_DEFINITION:
      case TagErrorCode.INVALID_CATALOGUE:
        return 400;
      case TagErrorCode.NOT_FOUND:
      case TagErrorCode.MEMBER_TAG_NOT_FOUND:
        return 404;
      case TagErrorCode.NOT_A_PREDICTION:
      case TagErrorCode.NOT_ENOUGH_HISTORY:
        return 409;
    }
  }
}
