import type { NoticeLocale } from '../notices/notice';
import type { PageContext } from '../customer-pages/consent-pages';
import type { CustomerError } from '../customer-pages/page-messages';
import { PreferencesErrorCode } from './preferences.errors';

/** What the preference centre says for each refusal, per locale (every code has its words). */
const PREFERENCE_ERRORS: Record<NoticeLocale, Record<PreferencesErrorCode, CustomerError>> = {
  'zh-CN': {
    PREFERENCE_LINK_INVALID: {
      title: '链接无效',
      message: '此偏好设置链接无效或已过期。您也可以直接回复短信“T”退订。',
    },
    SUBJECT_UNKNOWN: {
      title: '链接无效',
      message: '此偏好设置链接无效或已过期。您也可以直接回复短信“T”退订。',
    },
    PREFERENCE_FORM_EXPIRED: {
      title: '页面已过期',
      message: '页面已过期，请重新打开偏好设置链接后再提交。我们没有做任何更改。',
    },
    PREFERENCE_WIDENING_REFUSED: {
      title: '无法完成',
      message:
        '此页面只能减少或关闭授权。要开启新的用途或渠道，需要您扫描包裹卡上的二维码，阅读告知并主动勾选同意。我们没有做任何更改。',
    },
  },
  en: {
    PREFERENCE_LINK_INVALID: {
      title: 'Invalid link',
      message: 'This preference link is invalid or has expired. You can also reply T to our text message.',
    },
    SUBJECT_UNKNOWN: {
      title: 'Invalid link',
      message: 'This preference link is invalid or has expired. You can also reply T to our text message.',
    },
    PREFERENCE_FORM_EXPIRED: {
      title: 'Page expired',
      message: 'This page has expired. Please open the preference link again and save. We changed nothing.',
    },
    PREFERENCE_WIDENING_REFUSED: {
      title: 'Could not continue',
      message:
        'This page can only narrow or switch off consent. To turn on a new purpose or channel, scan the QR code on a parcel card, read the notice and tick what you agree to. We changed nothing.',
    },
  },
};

export function preferenceErrorMessage(ctx: PageContext, code: PreferencesErrorCode): CustomerError {
  return PREFERENCE_ERRORS[ctx.locale][code];
}
