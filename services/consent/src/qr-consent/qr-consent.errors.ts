import { DomainError } from '@siyu/auth';

export enum QrConsentErrorCode {
  LINK_INVALID = 'LINK_INVALID',
  LINK_EXPIRED = 'LINK_EXPIRED',
  PHONE_INVALID = 'PHONE_INVALID',
  TOO_MANY_CODES = 'TOO_MANY_CODES',
  CODE_INVALID = 'CODE_INVALID',
  NO_AGREEMENT = 'NO_AGREEMENT',
  NOTHING_CHOSEN = 'NOTHING_CHOSEN',
  NO_NOTICE = 'NO_NOTICE',
  FORM_EXPIRED = 'FORM_EXPIRED',
  WECHAT_AUTH_FAILED = 'WECHAT_AUTH_FAILED',
  WECHAT_UNAVAILABLE = 'WECHAT_UNAVAILABLE',
}

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
        return 403;
      case QrConsentErrorCode.WECHAT_UNAVAILABLE:
        return 503;
      case QrConsentErrorCode.PHONE_INVALID:
      case QrConsentErrorCode.CODE_INVALID:
      case QrConsentErrorCode.NO_AGREEMENT:
      case QrConsentErrorCode.NOTHING_CHOSEN:
        return 400;
    }
  }

  /** What the customer reads (zh-CN first). */
  get customerMessage(): string {
    switch (this.code) {
      case QrConsentErrorCode.LINK_INVALID:
        return '此二维码无效，可能不完整或被改动过。请直接扫描包裹卡上的二维码。';
      case QrConsentErrorCode.LINK_EXPIRED:
        return '此二维码已过期，无法再用于加入会员。我们没有记录任何信息。';
      case QrConsentErrorCode.PHONE_INVALID:
        return '请输入有效的中国大陆手机号码。';
      case QrConsentErrorCode.TOO_MANY_CODES:
        return '验证码请求过于频繁，请稍后再试。';
      case QrConsentErrorCode.CODE_INVALID:
        return '验证码错误或已过期，请重新获取。';
      case QrConsentErrorCode.NO_AGREEMENT:
        return '您未勾选同意，我们没有记录任何同意。';
      case QrConsentErrorCode.NOTHING_CHOSEN:
        return '请至少勾选一项用途和一个渠道；否则我们不会记录任何同意。';
      case QrConsentErrorCode.NO_NOTICE:
        return '品牌尚未发布个人信息处理告知，暂不能加入。';
      case QrConsentErrorCode.FORM_EXPIRED:
        return '页面已过期或不是从本页面提交的，请重新打开后再试。我们没有记录任何信息。';
      case QrConsentErrorCode.WECHAT_AUTH_FAILED:
        return '微信授权未完成、已过期或无效，请重新打开页面再试，或改用手机验证码。我们没有记录任何信息。';
      case QrConsentErrorCode.WECHAT_UNAVAILABLE:
        return '微信授权暂不可用，请改用手机验证码加入。我们没有记录任何信息。';
    }
  }

  /** The page heading, so expired, forged and other failures read as different pages. */
  get customerTitle(): string {
    switch (this.code) {
      case QrConsentErrorCode.LINK_INVALID:
        return '二维码无效';
      case QrConsentErrorCode.LINK_EXPIRED:
        return '二维码已过期';
      case QrConsentErrorCode.TOO_MANY_CODES:
        return '请稍后再试';
      case QrConsentErrorCode.FORM_EXPIRED:
        return '页面已过期';
      case QrConsentErrorCode.WECHAT_AUTH_FAILED:
      case QrConsentErrorCode.WECHAT_UNAVAILABLE:
        return '微信授权未完成';
      default:
        return '无法完成';
    }
  }
}
