import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { WechatError, WechatErrorCode } from './wechat.errors';

export interface WechatSignedQuery {
  signature?: unknown;
  timestamp?: unknown;
  nonce?: unknown;
}

/**
 * The official account's server token (WECHAT_TOKEN): WeChat signs every call to our callback with
 * sha1(sort([token, timestamp, nonce]).join('')). An unset token refuses every call.
 */
@Injectable()
export class WechatSignature {
  private readonly token?: string;

  constructor(@Inject(CONSENT_OPTIONS) options: ConsentModuleOptions) {
    this.token = options.env.WECHAT_TOKEN?.trim() || undefined;
  }

  verify(q: WechatSignedQuery): void {
    const { signature, timestamp, nonce } = q;
    const ok =
      this.token !== undefined &&
      typeof signature === 'string' &&
      typeof timestamp === 'string' &&
      typeof nonce === 'string' &&
      /^[0-9a-f]{40}$/i.test(signature) &&
      timingSafeEqual(
        Buffer.from(wechatSignature(this.token, timestamp, nonce)),
        Buffer.from(signature.toLowerCase()),
      );
    if (!ok) throw new WechatError(WechatErrorCode.SIGNATURE_INVALID, 'WeChat signature missing or wrong');
  }
}

export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}
