import type { NoticeLocale } from '../notices/notice';
import type { PageContext } from '../customer-pages/consent-pages';
import type { CustomerError } from '../customer-pages/page-messages';
import { QrConsentErrorCode } from './qr-consent.errors';

/** What the card's pages say for each refusal, per locale (every code has its words: the type checks it). */
const CARD_ERRORS: Record<NoticeLocale, Record<QrConsentErrorCode, CustomerError>> = {
  'zh-CN': {
    LINK_INVALID: {
      title: '二维码无效',
      message: '此二维码无效，可能不完整或被改动过。请直接扫描包裹卡上的二维码。',
    },
    LINK_EXPIRED: {
      title: '二维码已过期',
      message: '此二维码已过期，无法再用于加入会员。我们没有记录任何信息。',
    },
    PHONE_INVALID: { title: '无法完成', message: '请输入有效的中国大陆手机号码。' },
    TOO_MANY_CODES: { title: '请稍后再试', message: '验证码请求过于频繁，请稍后再试。' },
    CODE_INVALID: { title: '无法完成', message: '验证码错误或已过期，请重新获取。' },
    CARD_ALREADY_USED: {
      title: '此包裹卡已被使用',
      message:
        '此包裹卡已被用于加入会员，每张包裹卡只能关联一位会员。我们没有记录任何信息。您仍可以通过品牌的其他方式（如店铺会员、公众号）加入会员，只是不会关联此订单。',
    },
    NO_AGREEMENT: { title: '无法完成', message: '您未勾选同意，我们没有记录任何同意。' },
    UNDER_14: {
      title: '未满14周岁',
      message: '未满14周岁的用户需由父母或其他监护人同意，此页面无法代为办理。我们没有记录任何信息。',
    },
    NOTHING_CHOSEN: {
      title: '无法完成',
      message: '请至少勾选一项用途和一个渠道；否则我们不会记录任何同意。',
    },
    NO_NOTICE: { title: '无法完成', message: '品牌尚未发布个人信息处理告知，暂不能加入。' },
    FORM_EXPIRED: {
      title: '页面已过期',
      message: '页面已过期或不是从本页面提交的，请重新打开后再试。我们没有记录任何信息。',
    },
    NOTICE_MISMATCH: {
      title: '告知与页面不符',
      message:
        '提交的告知版本或语言与本页面显示的不一致，可能被改动过。我们没有记录任何信息，请重新打开页面。',
    },
    NOTICE_CHANGED: {
      title: '告知已更新',
      message: '品牌刚刚更新了个人信息处理告知。请阅读下方的新版本后再确认；我们没有记录任何信息。',
    },
    WECHAT_AUTH_FAILED: {
      title: '微信授权未完成',
      message: '微信授权未完成、已过期或无效，请重新打开页面再试，或改用手机验证码。我们没有记录任何信息。',
    },
    WECHAT_UNAVAILABLE: {
      title: '微信授权未完成',
      message: '微信授权暂不可用，请改用手机验证码加入。我们没有记录任何信息。',
    },
  },
  en: {
    LINK_INVALID: {
      title: 'Invalid QR code',
      message:
        'This QR code is not valid; it may be incomplete or altered. Please scan the code on your parcel card.',
    },
    LINK_EXPIRED: {
      title: 'QR code expired',
      message: 'This QR code has expired and can no longer be used to join. We recorded nothing.',
    },
    PHONE_INVALID: {
      title: 'Could not continue',
      message: 'Please enter a valid mainland China mobile number.',
    },
    TOO_MANY_CODES: {
      title: 'Please try again later',
      message: 'Too many codes requested. Please try again later.',
    },
    CODE_INVALID: {
      title: 'Could not continue',
      message: 'The code is wrong or has expired. Please request a new one.',
    },
    CARD_ALREADY_USED: {
      title: 'Parcel card already used',
      message:
        "This parcel card was already used to join, and each card can link to one member only. We recorded nothing. You can still join through the brand's other ways in (such as its shop membership or official account), just without a link to this order.",
    },
    UNDER_14: {
      title: 'Under 14',
      message:
        'Customers under 14 need the consent of a parent or guardian, which this page cannot take. We recorded nothing.',
    },
    NO_AGREEMENT: {
      title: 'Could not continue',
      message: 'You did not tick "I agree", so we recorded no consent.',
    },
    NOTHING_CHOSEN: {
      title: 'Could not continue',
      message: 'Please tick at least one purpose and one channel; otherwise we record no consent.',
    },
    NO_NOTICE: {
      title: 'Could not continue',
      message: 'The brand has not published its personal information notice yet, so joining is not possible.',
    },
    FORM_EXPIRED: {
      title: 'Page expired',
      message:
        'This page has expired or was not sent from this page. Please open it again. We recorded nothing.',
    },
    NOTICE_MISMATCH: {
      title: 'Notice does not match the page',
      message:
        'The notice version or language sent does not match the one this page showed; it may have been altered. We recorded nothing. Please open the page again.',
    },
    NOTICE_CHANGED: {
      title: 'The notice has been updated',
      message:
        'The brand has just updated its personal information notice. Please read the new version below and confirm again; we recorded nothing.',
    },
    WECHAT_AUTH_FAILED: {
      title: 'WeChat sign-in not completed',
      message:
        'WeChat sign-in was not completed, has expired or is invalid. Please open the page again, or use a code sent to your phone. We recorded nothing.',
    },
    WECHAT_UNAVAILABLE: {
      title: 'WeChat sign-in not completed',
      message:
        'WeChat sign-in is not available right now. Please join with a code sent to your phone. We recorded nothing.',
    },
  },
};

export function cardErrorMessage(ctx: PageContext, code: QrConsentErrorCode): CustomerError {
  return CARD_ERRORS[ctx.locale][code];
}
