import { Inject, Injectable } from '@nestjs/common';
import type { Channel, Purpose } from '@siyu/contracts';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { countSmsParts, renderSms, UNSUBSCRIBE_VARIABLE } from './template-rules';
import type { SmsTemplate } from './template.repository';
import { UnsubscribeLinks } from './unsubscribe-links';

export interface SmsEstimate {
  text: string;
  characters: number;
  parts: number;
  costFenPerRecipient: number;
}

/** Default price per billed part, in fen: SMS_PRICE_PER_PART_FEN overrides it (contract prices vary). */
const DEFAULT_PRICE_PER_PART_FEN = 4.5;

/** Parts and cost before sending: every recipient's text has the same length (one offer for all, R13). */
@Injectable()
export class EstimateSms {
  private readonly pricePerPartFen: number;

  constructor(
    @Inject(OUTREACH_OPTIONS) options: OutreachModuleOptions,
    private readonly links: UnsubscribeLinks,
  ) {
    const configured = Number(options.env.SMS_PRICE_PER_PART_FEN);
    this.pricePerPartFen =
      Number.isFinite(configured) && configured >= 0 && options.env.SMS_PRICE_PER_PART_FEN
        ? configured
        : DEFAULT_PRICE_PER_PART_FEN;
  }

  estimate(
    template: SmsTemplate,
    values: Record<string, string>,
    // The short link is as long for every channel and purpose; kept so callers need not change.
    _channel: Channel,
    _purpose: Purpose,
  ): SmsEstimate {
    const text = renderSms(template.vendor, template.signName, template.content, template.variables, {
      ...values,
      // The short link every real message carries (same length for everyone).
      [UNSUBSCRIBE_VARIABLE]: this.links.sample(),
    });
    const { characters, parts } = countSmsParts(text);
    return {
      text,
      characters,
      parts,
      costFenPerRecipient: Math.round(parts * this.pricePerPartFen * 100) / 100,
    };
  }
}
