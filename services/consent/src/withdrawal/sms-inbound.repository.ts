import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface InboundSms {
  /** Blind index of the sender's phone (R1): never the number itself. */
  phoneIndex: string;
  keyword: string | null;
  text: string;
  /** Whether the reply withdrew something. */
  acted: boolean;
  vendor: string;
  signName: string | null;
}

/** Every SMS reply received, whether or not it withdrew: the proof behind an SMS withdrawal (R9). */
@Injectable()
export class SmsInboundRepository {
  async record(tx: EntityManager, sms: InboundSms): Promise<void> {
    await tx.query(
      'INSERT INTO sms_inbound (phone_index, keyword, text, acted, vendor, sign_name) VALUES ($1, $2, $3, $4, $5, $6)',
      [sms.phoneIndex, sms.keyword, sms.text, sms.acted, sms.vendor, sms.signName],
    );
  }
}
