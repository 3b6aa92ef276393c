import { createHash, randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { TOPICS, type PrivacyRequesterChallengedV1 } from '@siyu/contracts';
import { sealToRecipient } from '@siyu/crypto';
import { addToOutbox } from '@siyu/messaging';
import { CORRECTION_HOLDERS, isKnownTimeZone } from '../data-subject-requests/log-request.use-case';
import {
  DEFAULT_ANSWERING_SERVICES,
  PRIVACY_DB,
  PRIVACY_OPTIONS,
  type PrivacyModuleOptions,
} from '../privacy.options';
import { CUSTOMER_REQUEST_KINDS, type CustomerRequestKind } from './customer-request-pages';
import { CustomerRequestsError, CustomerRequestsErrorCode } from './customer-requests.errors';
import type { PageLocale } from './page-locale';
import { RequesterChallengeRepository } from './requester-challenge.repository';

export const CODE_TTL_MS = 10 * 60_000;

/** What a challenge stores of its code: a hash bound to the challenge, never the code. */
export function requesterCodeHash(challengeId: string, code: string): string {
  return createHash('sha256').update(`${challengeId}:${code}`).digest('hex');
}

/** A mainland mobile number's national digits, or undefined when the input is not one. */
export function parseMainlandMobile(input: unknown): string | undefined {
  const parsed =
    typeof input === 'string' && input.length <= 32
      ? parsePhoneNumberFromString(input.trim(), 'CN')
      : undefined;
  if (!parsed || parsed.country !== 'CN' || !parsed.isValid() || parsed.getType() !== 'MOBILE')
    return undefined;
  return parsed.nationalNumber;
}

/**
 * A customer starts a request on the public page (R14). Privacy neither looks the phone up nor keeps
 * it: it seals phone + a fresh code to consent's key (consent owns verified phones and sends the
 * code), so this step does the same work, and answers the same, for members and strangers.
 */
@Injectable()
export class StartCustomerRequest {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly challenges: RequesterChallengeRepository,
  ) {}

  async execute(
    input: { kind: unknown; phone: unknown; locale: PageLocale; timeZone?: unknown },
    now = new Date(),
  ) {
    if (!(CUSTOMER_REQUEST_KINDS as readonly unknown[]).includes(input.kind))
      throw new CustomerRequestsError(
        CustomerRequestsErrorCode.KIND_INVALID,
        'kind must be access, erasure, withdraw_all or correct',
      );
    const correctionValue = input.kind === 'correct' ? this.correctedTimeZone(input.timeZone) : undefined;
    const phone = parseMainlandMobile(input.phone);
    if (!phone)
      throw new CustomerRequestsError(
        CustomerRequestsErrorCode.PHONE_INVALID,
        'phone is not a valid mainland mobile number',
      );
    const brandId = this.options.brandId;
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.ds.transaction(async (tx) => {
      const key = await this.challenges.findSealKey(tx, brandId);
      if (!key)
        throw new CustomerRequestsError(
          CustomerRequestsErrorCode.NOT_READY,
          'consent has not published its seal key yet',
        );
      await this.challenges.deleteExpiredBefore(tx, new Date(now.getTime() - 24 * 3600_000));
      await this.challenges.insert(tx, {
        id,
        brandId,
        kind: input.kind as CustomerRequestKind,
        locale: input.locale,
        codeHash: requesterCodeHash(id, code),
        at: now,
        ttlMs: CODE_TTL_MS,
        correctionValue,
      });
      const sealed = sealToRecipient(key, JSON.stringify({ phone, code }), id);
      await addToOutbox<PrivacyRequesterChallengedV1>(tx, TOPICS.privacyRequesterChallenged, id, {
        type: 'privacy.requester-challenged.v1',
        challengeId: id,
        brandId,
        locale: input.locale,
        sealed,
      });
      await appendAudit(tx, {
        actor: 'customer:public-page',
        action: 'data-subject-request.challenge-started',
        purpose: 'data_subject_rights',
        subject: id,
        fields: [],
        outcome: 'allowed',
      });
    });
    return { challengeId: id };
  }

  /** R14 correction from the public page: a time zone, checked before any code is sent. */
  private correctedTimeZone(value: unknown): string {
    const answering = this.options.answeringServices ?? DEFAULT_ANSWERING_SERVICES;
    if (!CORRECTION_HOLDERS.time_zone.some((s) => answering.includes(s)))
      throw new CustomerRequestsError(
        CustomerRequestsErrorCode.KIND_INVALID,
        'kind: no service of this deployment holds a time zone to correct',
      );
    const zone = typeof value === 'string' ? value.trim() : '';
    if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(zone) || !isKnownTimeZone(zone))
      throw new CustomerRequestsError(
        CustomerRequestsErrorCode.TIME_ZONE_INVALID,
        'timeZone: not a time zone name (e.g. Asia/Shanghai)',
      );
    return zone;
  }
}
