import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { BlindIndex } from '@siyu/crypto';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { SandboxSmsSender } from '../sandbox-sms/sandbox-sms.sender';
import { readInvitation } from './invitation';
import { OtpRepository } from './otp.repository';
import { normaliseMobile } from './phone';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';

const CODE_TTL_SECONDS = 600;
const PER_PHONE_PER_HOUR = 5;
const PER_TOKEN_PER_HOUR = 10;

/** R6: the contact point a customer types in is verified with a one-time code before any use. */
@Injectable()
export class RequestCode {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly otps: OtpRepository,
    private readonly sms: SandboxSmsSender,
  ) {}

  /** Answers the same for members and non-members: nothing here reveals whether a phone is known. */
  async execute(token: string, phoneInput: unknown): Promise<{ phone: string }> {
    const invitation = readInvitation(this.keys.invitations, token, this.options.brand.id);
    const phone = normaliseMobile(phoneInput);
    const phoneIndex = this.keys.phoneIndex(invitation.brandId, phone);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.ds.transaction(async (tx) => {
      const hourAgo = new Date(Date.now() - 3600_000);
      if (
        (await this.otps.countSince(tx, 'phone_index', phoneIndex, hourAgo)) >= PER_PHONE_PER_HOUR ||
        (await this.otps.countSince(tx, 'token_id', invitation.tokenId, hourAgo)) >= PER_TOKEN_PER_HOUR
      ) {
        throw new QrConsentError(QrConsentErrorCode.TOO_MANY_CODES, 'too many codes requested');
      }
      await this.otps.create(
        tx,
        invitation.tokenId,
        phoneIndex,
        (id) => otpCodeHash(this.keys.index, id, code),
        CODE_TTL_SECONDS,
      );
      await this.sms.send(
        tx,
        phone,
        `【${this.options.brand.signature}】验证码${code}，10分钟内有效，用于确认加入${this.options.brand.name}会员。如非本人操作请忽略。`,
      );
    });
    return { phone };
  }
}

/** What a challenge stores of its code: a keyed hash bound to the challenge, never the code. */
export function otpCodeHash(index: BlindIndex, challengeId: string, code: string): string {
  return index.compute('otp', `${challengeId}:${code}`);
}
