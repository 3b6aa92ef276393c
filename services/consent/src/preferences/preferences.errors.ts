import { DomainError } from '@siyu/http';

export enum PreferencesErrorCode {
  LINK_INVALID = 'PREFERENCE_LINK_INVALID',
  FORM_EXPIRED = 'PREFERENCE_FORM_EXPIRED',
  WIDENING_REFUSED = 'PREFERENCE_WIDENING_REFUSED',
  SUBJECT_UNKNOWN = 'SUBJECT_UNKNOWN',
}

/** What the customer reads for each code is in qr-consent/page-messages.ts, per locale. */
export class PreferencesError extends DomainError<PreferencesErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case PreferencesErrorCode.LINK_INVALID:
      case PreferencesErrorCode.SUBJECT_UNKNOWN:
        return 404;
      case PreferencesErrorCode.FORM_EXPIRED:
        return 403;
      case PreferencesErrorCode.WIDENING_REFUSED:
        return 400;
    }
  }
}
