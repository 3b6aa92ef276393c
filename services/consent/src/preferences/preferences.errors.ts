import { DomainError } from '@siyu/auth';

export enum PreferencesErrorCode {
  LINK_INVALID = 'PREFERENCE_LINK_INVALID',
  FORM_EXPIRED = 'PREFERENCE_FORM_EXPIRED',
  WIDENING_REFUSED = 'PREFERENCE_WIDENING_REFUSED',
  SUBJECT_UNKNOWN = 'SUBJECT_UNKNOWN',
}

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

  /** What the customer reads (zh-CN first). */
  get customerMessage(): string {
    switch (this.code) {
      case PreferencesErrorCode.LINK_INVALID:
      case PreferencesErrorCode.SUBJECT_UNKNOWN:
        return '此偏好设置链接无效或已过期。您也可以直接回复短信“T”退订。';
      case PreferencesErrorCode.FORM_EXPIRED:
        return '页面已过期，请重新打开偏好设置链接后再提交。我们没有做任何更改。';
      case PreferencesErrorCode.WIDENING_REFUSED:
        return '此页面只能减少或关闭授权。要开启新的用途或渠道，需要您扫描包裹卡上的二维码，阅读告知并主动勾选同意。我们没有做任何更改。';
    }
  }
}
