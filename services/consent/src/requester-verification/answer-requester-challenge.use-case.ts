import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { SealedBoxRecipient } from '@siyu/crypto';
import { TOPICS, type ConsentRequesterResolvedV1, type PrivacyRequesterChallengedV1 } from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { normaliseMobile } from '../qr-consent/phone';
import { SandboxSmsSender } from '../sandbox-sms/sandbox-sms.sender';
import { SubjectRepository } from '../subjects/subject.repository';
import { RequesterCodeRepository } from './requester-code.repository';

/** Texts (of any kind) to one phone per hour beyond which no request code is sent (anti-abuse). */
export const REQUESTER_CODES_PER_PHONE_PER_HOUR = 5;

const SMS_TEXT = {
  'zh-CN': (sig: string, brand: string, code: string) =>
    `【${sig}】验证码${code}，10分钟内有效，用于确认您向${brand}提出的个人信息请求。如非本人操作请忽略。`,
  en: (sig: string, brand: string, code: string) =>
    `【${sig}】Your code is ${code}, valid 10 minutes, to confirm your personal-information request to ${brand}. Ignore it if this was not you.`,
};

/** Consent's key for sealed boxes, derived from its own blind-index key: no new secret to hold. */
export function requesterSealKey(env: Record<string, string | undefined>): SealedBoxRecipient {
  const secret = Buffer.from(env.CONSENT_BLIND_INDEX_KEY ?? '', 'base64');
  return SealedBoxRecipient.derivedFrom(secret, 'requester-challenge');
}

/**
 * A customer asked the privacy service's public page to act on "their" data (R14): consent owns the
 * verified phones, so it sends the one-time code (sandbox SMS path, members and strangers alike) and
 * tells privacy which subject that phone verified, if any. Privacy uses the answer only once the
 * requester typed the code back.
 */
@Injectable()
export class AnswerRequesterChallenge {
  readonly sealKey: SealedBoxRecipient;

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
    private readonly codes: RequesterCodeRepository,
    private readonly sms: SandboxSmsSender,
  ) {
    this.sealKey = requesterSealKey(options.env);
  }

  async execute(tx: EntityManager, e: PrivacyRequesterChallengedV1): Promise<void> {
    const { brand } = this.options;
    if (e.brandId !== brand.id) return;
    const { phone: typed, code } = JSON.parse(this.sealKey.open(e.sealed, e.challengeId)) as {
      phone: string;
      code: string;
    };
    const phone = normaliseMobile(typed);
    const phoneIndex = this.keys.phoneIndex(brand.id, phone);
    const subjectRef = await this.subjects.findByPhoneIndex(tx, brand.id, phoneIndex);
    await this.codes.lockPhone(tx, phoneIndex);
    const recent = await this.codes.countTextsSince(tx, phoneIndex, new Date(Date.now() - 3600_000));
    const send = recent < REQUESTER_CODES_PER_PHONE_PER_HOUR && /^\d{6}$/.test(code);
    if (send) {
      const text = SMS_TEXT[e.locale === 'en' ? 'en' : 'zh-CN'];
      await this.sms.send(tx, phone, text(brand.signature, brand.name, code));
    }
    await appendAudit(tx, {
      actor: 'privacy-request',
      action: send ? 'requester.code-sent' : 'requester.code-refused-rate-limit',
      purpose: 'data_subject_rights',
      subject: subjectRef ?? e.challengeId,
      fields: ['phone_index'],
      outcome: send ? 'allowed' : 'refused',
    });
    await addToOutbox<ConsentRequesterResolvedV1>(tx, TOPICS.consentRequesterResolved, e.challengeId, {
      type: 'consent.requester-resolved.v1',
      challengeId: e.challengeId,
      brandId: brand.id,
      ...(subjectRef ? { subjectRef } : {}),
    });
  }
}
