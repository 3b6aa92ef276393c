import { DomainError } from '@siyu/http';

export enum OrderPushErrorCode {
  PLATFORM_NOT_SUPPORTED = 'ORDER_PUSH_PLATFORM_NOT_SUPPORTED',
  SIGNATURE_INVALID = 'ORDER_PUSH_SIGNATURE_INVALID',
  TIMESTAMP_OUT_OF_WINDOW = 'ORDER_PUSH_TIMESTAMP_OUT_OF_WINDOW',
  NONCE_REPLAYED = 'ORDER_PUSH_NONCE_REPLAYED',
  /** The body is not the platform's push shape. Messages name the field, never its value. */
  BODY_INVALID = 'ORDER_PUSH_BODY_INVALID',
}

export class OrderPushError extends DomainError<OrderPushErrorCode> {
  override readonly name = 'OrderPushError';

  get httpStatus(): number {
    switch (this.code) {
      case OrderPushErrorCode.SIGNATURE_INVALID:
      case OrderPushErrorCode.TIMESTAMP_OUT_OF_WINDOW:
      case OrderPushErrorCode.NONCE_REPLAYED:
        return 401;
      case OrderPushErrorCode.PLATFORM_NOT_SUPPORTED:
        return 404;
      case OrderPushErrorCode.BODY_INVALID:
        return 400;
    }
  }
}
