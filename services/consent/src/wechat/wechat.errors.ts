import { DomainError } from '@siyu/http';

export enum WechatErrorCode {
  SIGNATURE_INVALID = 'WECHAT_SIGNATURE_INVALID',
  BODY_TOO_LARGE = 'WECHAT_BODY_TOO_LARGE',
  BODY_INVALID = 'WECHAT_BODY_INVALID',
}

export class WechatError extends DomainError<WechatErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case WechatErrorCode.SIGNATURE_INVALID:
        return 401;
      case WechatErrorCode.BODY_TOO_LARGE:
        return 413;
      case WechatErrorCode.BODY_INVALID:
        return 400;
    }
  }
}
