import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';

export type InboundSmsVendor = 'aliyun' | 'tencent';

const TOKEN_VARIABLE: Record<InboundSmsVendor, string> = {
  aliyun: 'ALIYUN_SMS_REPLY_TOKEN',
  tencent: 'TENCENT_SMS_REPLY_TOKEN',
};

/**
 * Neither Aliyun's up-message push nor Tencent Cloud's reply callback signs its requests: the only
 * thing we configure in their consoles is the callback URL. So each vendor gets its own random
 * token inside that URL (`?token=…`), compared in constant time. An unset token refuses every call.
 */
@Injectable()
export class SmsVendorTokens {
  private readonly tokens = new Map<InboundSmsVendor, Buffer>();

  constructor(@Inject(CONSENT_OPTIONS) options: ConsentModuleOptions) {
    for (const [vendor, variable] of Object.entries(TOKEN_VARIABLE) as [InboundSmsVendor, string][]) {
      const value = options.env[variable]?.trim();
      if (value) this.tokens.set(vendor, digest(value));
    }
  }

  accepts(vendor: InboundSmsVendor, given: unknown): boolean {
    const expected = this.tokens.get(vendor);
    if (!expected || typeof given !== 'string' || given.length === 0) return false;
    // Comparing digests keeps the comparison constant-time whatever the given length.
    return timingSafeEqual(digest(given), expected);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
