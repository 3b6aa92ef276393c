import { DomainError } from '@siyu/http';

export enum QrConsentErrorCode {
  LINK_INVALID = 'LINK_INVALID',
  LINK_EXPIRED = 'LINK_EXPIRED',
  PHONE_INVALID = 'PHONE_INVALID',
  TOO_MANY_CODES = 'TOO_MANY_CODES',
  CODE_INVALID = 'CODE_INVALID',
  CARD_ALREADY_USED = 'CARD_ALREADY_USED',
  NO_AGREEMENT = 'NO_AGREEMENT',
  UNDER_14 = 'UNDER_14',
  NOTHING_CHOSEN = 'NOTHING_CHOSEN',
  NO_NOTICE = 'NO_NOTICE',
  FORM_EXPIRED = 'FORM_EXPIRED',
  NOTICE_MISMATCH = 'NOTICE_MISMATCH',
  NOTICE_CHANGED = 'NOTICE_CHANGED',
  WECHAT_AUTH_FAILED = 'WECHAT_AUTH_FAILED',
  WECHAT_UNAVAILABLE = 'WECHAT_UNAVAILABLE',
}

/** What the customer reads for each code is in page-messages.ts, per locale. */
export class QrConsentError extends DomainError<QrConsentErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case QrConsentErrorCode.LINK_INVALID:
        return 404;
      case QrConsentErrorCode.LINK_EXPIRED:
        return 410;
      case QrConsentErrorCode.TOO_MANY_CODES:
        return 429;
      case QrConsentErrorCode.NO_NOTICE:
        return 503;
      case QrConsentErrorCode.FORM_EXPIRED:
      case QrConsentErrorCode.WECHAT_AUTH_FAILED:
      case QrConsentErrorCode.UNDER_14:
        return 403;
      case QrConsentErrorCode.WECHAT_UNAVAILABLE:
        return 503;
      case QrConsentErrorCode.NOTICE_CHANGED:
      case QrConsentErrorCode.CARD_ALREADY_USED:
        return 409;
      case QrConsentErrorCode.NOTICE_MISMATCH:
      case QrConsentErrorCode.PHONE_INVALID:
      case QrConsentErrorCode.CODE_INVALID:
      case QrConsentErrorCode.NO_AGREEMENT:
      case QrConsentErrorCode.NOTHING_CHOSEN:
        return 400;
    }
  }
}
