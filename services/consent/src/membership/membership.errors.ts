import { DomainError } from '@siyu/http';

export enum MembershipErrorCode {
  SIGNATURE_INVALID = 'MEMBERSHIP_SIGNATURE_INVALID',
  TIMESTAMP_OUT_OF_WINDOW = 'MEMBERSHIP_TIMESTAMP_OUT_OF_WINDOW',
  NONCE_REPLAYED = 'MEMBERSHIP_NONCE_REPLAYED',
  BODY_INVALID = 'MEMBERSHIP_BODY_INVALID',
  AGREEMENT_UNKNOWN = 'MEMBERSHIP_AGREEMENT_UNKNOWN',
  NO_NOTICE = 'MEMBERSHIP_NO_NOTICE',
}

export class MembershipError extends DomainError<MembershipErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case MembershipErrorCode.SIGNATURE_INVALID:
      case MembershipErrorCode.TIMESTAMP_OUT_OF_WINDOW:
      case MembershipErrorCode.NONCE_REPLAYED:
        return 401;
      case MembershipErrorCode.BODY_INVALID:
        return 400;
      case MembershipErrorCode.AGREEMENT_UNKNOWN:
      case MembershipErrorCode.NO_NOTICE:
        return 422;
    }
  }
}
