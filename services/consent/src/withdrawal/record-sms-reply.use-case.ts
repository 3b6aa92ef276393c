import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { normaliseMobile } from '../qr-consent/phone';
import { SubjectRepository } from '../subjects/subject.repository';
import { SmsInboundRepository } from './sms-inbound.repository';
import { recogniseOptOut } from './sms-keywords';
import { WithdrawConsent, type Withdrawal } from './withdraw-consent.use-case';

export type SmsVendor = 'sandbox' | 'aliyun' | 'tencent';

export interface SmsReply {
  vendor: SmsVendor;
  from: string;
  text: string;
  /** The signature the reply answered (【悦肤】 → 悦肤); absent from the sandbox channel. */
  signName?: string;
}

/**
 * R9: a keyword reply withdraws the SMS channel (all purposes) of the brand whose signature it
 * answered. Every reply is stored; unknown words and unknown signatures change nothing else.
 */
@Injectable()
export class RecordSmsReply {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
    private readonly withdraw: WithdrawConsent,
    private readonly inbound: SmsInboundRepository,
    private readonly messaging: ServiceMessaging,
  ) {}

  /** Resolves once the reply (and any withdrawal) is durable; the vendor is answered only then. */
  async execute(reply: SmsReply): Promise<void> {
    const brand = this.options.brand;
    const phoneIndex = this.keys.phoneIndex(brand.id, normaliseMobileOrRaw(reply.from));
    const keyword = recogniseOptOut(reply.text);
    const signName = reply.signName === undefined ? undefined : bareSignature(reply.signName);
    const forThisBrand = signName === undefined || signName === bareSignature(brand.signature);
    // The subject lookup runs for every reply, so members and non-members cost about the same.
    const acted = await this.ds.transaction(async (tx) => {
      const subjectRef = await this.subjects.findByPhoneIndex(tx, brand.id, phoneIndex);
      const withdrawal: Withdrawal | null =
        subjectRef && keyword && forThisBrand
          ? {
              brandId: brand.id,
              subjectRef,
              purposes: 'all',
              channels: ['sms'],
              source: 'sms_reply',
              evidence: { keyword, vendor: reply.vendor },
            }
          : null;
      const plan = withdrawal ? await this.withdraw.planIn(tx, withdrawal) : null;
      // The reply is stored before the ledger append, which holds the brand chain's lock until commit.
      await this.inbound.record(tx, {
        phoneIndex,
        keyword,
        text: reply.text,
        acted: plan !== null,
        vendor: reply.vendor,
        signName: signName ?? null,
      });
      if (withdrawal && plan) await this.withdraw.recordIn(tx, withdrawal, plan);
      return plan !== null;
    });
    if (acted) this.messaging.relay.kick();
  }
}

/** Vendors send the signature with or without 【】; compare the bare name. */
function bareSignature(sign: string): string {
  return sign.normalize('NFKC').replace(/[【】[\]\s]/g, '');
}

function normaliseMobileOrRaw(from: string): string {
  try {
    return normaliseMobile(from);
  } catch {
    return from.trim();
  }
}
