import { DomainError } from '@siyu/http';

export enum WecomDoorErrorCode {
  /** WECOM_* credentials are not set: this deployment has no WeCom door. */
  NOT_CONFIGURED = 'WECOM_NOT_CONFIGURED',
  SIGNATURE_INVALID = 'WECOM_SIGNATURE_INVALID',
  BODY_INVALID = 'WECOM_BODY_INVALID',
  BODY_TOO_LARGE = 'WECOM_BODY_TOO_LARGE',
}

export class WecomDoorError extends DomainError<WecomDoorErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case WecomDoorErrorCode.NOT_CONFIGURED:
        return 404;
      case WecomDoorErrorCode.SIGNATURE_INVALID:
        return 401;
      case WecomDoorErrorCode.BODY_INVALID:
        return 400;
      case WecomDoorErrorCode.BODY_TOO_LARGE:
        return 413;
    }
  }
}
