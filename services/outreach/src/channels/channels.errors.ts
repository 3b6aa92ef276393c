import { DomainError } from '@siyu/http';

export enum ChannelErrorCode {
  /** A vendor's env variables are partly set (which one is missing is in the message). */
  CREDENTIALS_INCOMPLETE = 'CHANNEL_CREDENTIALS_INCOMPLETE',
  /** The vendor could not be asked (timeout, network, 5xx): try the reconcile again later. */
  VENDOR_UNAVAILABLE = 'CHANNEL_VENDOR_UNAVAILABLE',
  /** The vendor refused the query itself (credentials, parameters). */
  VENDOR_REFUSED = 'CHANNEL_VENDOR_REFUSED',
  /** A receipt or callback body is not what the vendor sends (which field, why). */
  BAD_PAYLOAD = 'CHANNEL_BAD_PAYLOAD',
  /** A callback's signature does not verify, or it names another corp. */
  BAD_CALLBACK_SIGNATURE = 'CHANNEL_BAD_CALLBACK_SIGNATURE',
}

export class ChannelError extends DomainError<ChannelErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case ChannelErrorCode.CREDENTIALS_INCOMPLETE:
        return 500;
      case ChannelErrorCode.VENDOR_UNAVAILABLE:
        return 503;
      case ChannelErrorCode.VENDOR_REFUSED:
        return 502;
      case ChannelErrorCode.BAD_PAYLOAD:
        return 400;
      case ChannelErrorCode.BAD_CALLBACK_SIGNATURE:
        return 401;
    }
  }
}
