import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConsentKeys } from '../consent.keys';
import type { ContactProof } from '../grants/contact-proof';
import type { ContactCheck } from './grant-consent-by-card.use-case';
import type { Invitation } from './invitation';
import { OtpRepository } from './otp.repository';
import { normaliseMobile } from './phone';
import { otpCodeHash } from './request-code.use-case';

const MAX_ATTEMPTS = 5;

/** R6: the phone typed on the card's page is the customer's own once the code sent to it comes back. */
@Injectable()
export class SmsCodeCheck {
  constructor(
    private readonly keys: ConsentKeys,
    private readonly otps: OtpRepository,
  ) {}

  /** A check of this phone and code; a wrong code counts an attempt on the open challenge. */
  of(phoneInput: unknown, code: unknown): ContactCheck {
    return {
      by: 'sms_otp',
      proveIn: (tx, invitation) => this.proveIn(tx, invitation, phoneInput, code),
    };
  }

  private async proveIn(
    tx: EntityManager,
    invitation: Invitation,
    phoneInput: unknown,
    code: unknown,
  ): Promise<ContactProof | null> {
    const phone = normaliseMobile(phoneInput);
    const phoneIndex = this.keys.phoneIndex(invitation.brandId, phone);
    const challenge = await this.otps.findOpen(tx, invitation.tokenId, phoneIndex);
    if (!challenge || challenge.attempts >= MAX_ATTEMPTS) return null;
    if (!this.codeMatches(challenge.id, challenge.codeHash, code)) {
      await this.otps.recordAttempt(tx, challenge.id);
      return null;
    }
    await this.otps.markUsed(tx, challenge.id);
    return { by: 'sms_otp', phone, challengeId: challenge.id };
  }

  private codeMatches(challengeId: string, storedHash: string, code: unknown): boolean {
    if (typeof code !== 'string' || !/^\d{6}$/.test(code.trim())) return false;
    const given = Buffer.from(otpCodeHash(this.keys.index, challengeId, code.trim()));
    const stored = Buffer.from(storedHash);
    return given.length === stored.length && timingSafeEqual(given, stored);
  }
}
