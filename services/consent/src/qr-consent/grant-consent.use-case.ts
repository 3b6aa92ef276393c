import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { LedgerRepository } from '../ledger/ledger.repository';
import { RecordGrant } from '../ledger/record-grant.use-case';
import { NoticeRepository } from '../notices/notice.repository';
import { SubjectRepository } from '../subjects/subject.repository';
import type { PublishedNotice } from '../notices/notice';
import { readInvitation } from './invitation';
import { OtpRepository } from './otp.repository';
import { ParcelCardClaimRepository } from './parcel-card-claim.repository';
import { normaliseMobile } from './phone';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { otpCodeHash } from './request-code.use-case';
import { confirmShownNotice, type ShownNotice } from './shown-notice';

export interface AgreeForm {
  token: string;
  phone: unknown;
  code: unknown;
  agree: boolean;
  /** The notice the page showed (R5); the grant records its hash, or is refused. */
  shownNotice: ShownNotice;
  purposes: string[];
  channels: string[];
  ip: string;
  userAgent: string;
}

export type GrantOutcome = (
  | { alreadyJoined: false; subjectRef: string; purposes: Purpose[]; channels: Channel[] }
  | { alreadyJoined: true; subjectRef: string }
) & { notice: PublishedNotice };

const MAX_ATTEMPTS = 5;

/** Door 2 (R7): the parcel-card QR consent. Only an explicit act with a verified phone counts (R6). */
@Injectable()
export class GrantConsentByQr {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly otps: OtpRepository,
    private readonly notices: NoticeRepository,
    private readonly subjects: SubjectRepository,
    private readonly ledger: LedgerRepository,
    private readonly cards: ParcelCardClaimRepository,
    private readonly recordGrant: RecordGrant,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(form: AgreeForm): Promise<GrantOutcome> {
    const invitation = readInvitation(this.keys.invitations, form.token, this.options.brand.id);
    if (!form.agree)
      throw new QrConsentError(QrConsentErrorCode.NO_AGREEMENT, 'the agree box was not ticked');
    const phone = normaliseMobile(form.phone);
    const phoneIndex = this.keys.phoneIndex(invitation.brandId, phone);
    const outcome = await this.ds.transaction(async (tx) => {
      const notice = await confirmShownNotice(this.notices, tx, invitation.brandId, form.shownNotice);
      // A consent covers only what its notice listed (R5, R7): anything else in the form is ignored.
      const purposes = notice.content.purposes.map((p) => p.id).filter((p) => form.purposes.includes(p));
      const channels = notice.content.channels.filter((c) => form.channels.includes(c));
      if (purposes.length === 0 || channels.length === 0)
        throw new QrConsentError(QrConsentErrorCode.NOTHING_CHOSEN, 'no purpose or channel chosen');
      const challenge = await this.otps.findOpen(tx, invitation.tokenId, phoneIndex);
      if (!challenge || challenge.attempts >= MAX_ATTEMPTS) return 'bad-code' as const;
      if (!this.codeMatches(challenge.id, challenge.codeHash, form.code)) {
        await this.otps.recordAttempt(tx, challenge.id);
        return 'bad-code' as const;
      }
      await this.otps.markUsed(tx, challenge.id);
      // A used card: this order already joined with this phone (now proven by the code) — record nothing.
      // Only the phone's owner reaches this answer, so it reveals membership to no one else.
      const known = await this.subjects.findByPhoneIndex(tx, invitation.brandId, phoneIndex);
      if (known && (await this.ledger.hasGrantForOrder(tx, known, invitation.orderRef)))
        return { alreadyJoined: true as const, subjectRef: known, notice };
      // A card links its order to one subject only; any other phone is refused and the whole
      // transaction (code use included) rolls back, so nothing is written (issue 9 §4).
      if (!(await this.cards.claim(tx, invitation.brandId, invitation.orderRef))) throw cardAlreadyUsed();
      const contacts = this.keys.contacts;
      const subjectRef = await this.subjects.findOrCreate(tx, invitation.brandId, phoneIndex, (ref) =>
        contacts.seal(phone, ref),
      );
      await this.recordGrant.in(tx, {
        brandId: invitation.brandId,
        subjectRef,
        purposes,
        channels,
        noticeHash: notice.contentHash,
        door: 'parcel_qr',
        evidence: {
          tokenId: invitation.tokenId,
          orderRef: invitation.orderRef,
          contactVerifiedBy: 'sms_otp',
          challengeId: challenge.id,
          ipHash: sha256(form.ip).slice(0, 16),
          userAgentHash: sha256(form.userAgent).slice(0, 16),
        },
        evidenceRef: challenge.id,
        // The verified phone travels sealed for outreach only (ADR 0003); never in clear.
        contactPoints: channels.includes('sms')
          ? [{ channel: 'sms', sealed: contacts.seal(phone, subjectRef) }]
          : [],
        link: { orderRef: invitation.orderRef },
      });
      return { alreadyJoined: false as const, subjectRef, purposes, channels, notice };
    });
    if (outcome === 'bad-code')
      throw new QrConsentError(QrConsentErrorCode.CODE_INVALID, 'code wrong, used or expired');
    this.messaging.relay.kick();
    return outcome;
  }

  private codeMatches(challengeId: string, storedHash: string, code: unknown): boolean {
    if (typeof code !== 'string' || !/^\d{6}$/.test(code.trim())) return false;
    const given = Buffer.from(otpCodeHash(this.keys.index, challengeId, code.trim()));
    const stored = Buffer.from(storedHash);
    return given.length === stored.length && timingSafeEqual(given, stored);
  }
}

/** The order of this card already joined with another phone or WeChat account. */
export function cardAlreadyUsed(): QrConsentError {
  return new QrConsentError(
    QrConsentErrorCode.CARD_ALREADY_USED,
    'this parcel card already linked its order to another subject',
  );
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
