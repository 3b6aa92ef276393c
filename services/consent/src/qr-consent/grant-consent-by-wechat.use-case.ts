import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS, type ConsentGrantedV1 } from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { ConsentExpiryRepository } from '../expiry/consent-expiry.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { NoticeRepository } from '../notices/notice.repository';
import { SubjectRepository } from '../subjects/subject.repository';
import { openidIndex, WechatBindingRepository } from '../wechat/wechat-binding.repository';
import { cardAlreadyUsed, type GrantOutcome } from './grant-consent.use-case';
import { ParcelCardClaimRepository } from './parcel-card-claim.repository';
import { readInvitation } from './invitation';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { confirmShownNotice, type ShownNotice } from './shown-notice';
import { readOpenidTicket } from './wechat-oauth-tokens';

export interface WechatAgreeForm {
  token: string;
  ticket: unknown;
  agree: boolean;
  /** The notice the page showed (R5); the grant records its hash, or is refused. */
  shownNotice: ShownNotice;
  purposes: string[];
  channels: string[];
  ip: string;
  userAgent: string;
  /** Optional lapse of this grant (R20 §2), e.g. the end of a membership. */
  expiresAt?: Date;
}

/**
 * Door 2 with WeChat OAuth instead of the phone code (R6, R7). The openid is the verified contact:
 * the subject is found by its blind index (domain `openid:<brand>`, kept apart from phone indexes)
 * and the openid is bound, so 取消关注 withdraws this consent (R9).
 */
@Injectable()
export class GrantConsentByWechat {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly notices: NoticeRepository,
    private readonly subjects: SubjectRepository,
    private readonly ledger: LedgerRepository,
    private readonly bindings: WechatBindingRepository,
    private readonly expiries: ConsentExpiryRepository,
    private readonly messaging: ServiceMessaging,
    private readonly cards: ParcelCardClaimRepository,
  ) {}

  async execute(form: WechatAgreeForm): Promise<GrantOutcome> {
    const invitation = readInvitation(this.keys.invitations, form.token, this.options.brand.id);
    const { openid, ticketId } = readOpenidTicket(
      this.keys.invitations,
      this.keys.contacts,
      form.token,
      form.ticket,
    );
    if (!form.agree)
      throw new QrConsentError(QrConsentErrorCode.NO_AGREEMENT, 'the agree box was not ticked');
    const brandId = invitation.brandId;
    const subjectIndex = this.keys.index.compute(`openid:${brandId}`, openid);
    const outcome = await this.ds.transaction(async (tx) => {
      const notice = await confirmShownNotice(this.notices, tx, brandId, form.shownNotice);
      // Only what the notice listed (R5, R7), and only WeChat: an openid proves no other contact.
      const purposes = notice.content.purposes.map((p) => p.id).filter((p) => form.purposes.includes(p));
      const channels = notice.content.channels.filter((c) => c === 'wechat' && form.channels.includes(c));
      if (purposes.length === 0 || channels.length === 0)
        throw new QrConsentError(QrConsentErrorCode.NOTHING_CHOSEN, 'no purpose or channel chosen');
      const known = await this.subjects.findByPhoneIndex(tx, brandId, subjectIndex);
      if (known && (await this.ledger.hasGrantForOrder(tx, known, invitation.orderRef)))
        return { alreadyJoined: true as const, subjectRef: known, notice };
      // One subject per card, whichever door it used first (issue 9 §4): refused, nothing written.
      if (!(await this.cards.claim(tx, brandId, invitation.orderRef))) throw cardAlreadyUsed();
      const contacts = this.keys.contacts;
      // subjects.sealed_phone holds this subject's sealed contact, here the openid (never read in clear).
      const subjectRef = await this.subjects.findOrCreate(tx, brandId, subjectIndex, (ref) =>
        contacts.seal(openid, ref),
      );
      const entry = await this.ledger.append(tx, {
        brandId,
        subjectRef,
        action: 'granted',
        purposes,
        channels,
        noticeHash: notice.contentHash,
        door: 'parcel_qr',
        evidence: {
          tokenId: invitation.tokenId,
          orderRef: invitation.orderRef,
          contactVerifiedBy: 'wechat_oauth',
          oauthTicketId: ticketId,
          ipHash: sha256(form.ip).slice(0, 16),
          userAgentHash: sha256(form.userAgent).slice(0, 16),
          ...(form.expiresAt ? { expiresAt: form.expiresAt.toISOString() } : {}),
        },
      });
      await this.bindings.bind(tx, brandId, openidIndex(this.keys.index, brandId, openid), subjectRef);
      if (form.expiresAt)
        await this.expiries.schedule(tx, {
          brandId,
          subjectRef,
          purposes,
          channels,
          expiresAt: form.expiresAt,
          ledgerSeq: entry.seq,
        });
      await addToOutbox<ConsentGrantedV1>(tx, TOPICS.consentGranted, subjectRef, {
        type: 'consent.granted.v1',
        subjectRef,
        brandId,
        purposes,
        channels,
        // No SMS contact point: WeChat outreach resolves the subject through its binding.
        contactPoints: [],
        noticeVersionHash: notice.contentHash,
        door: 'parcel_qr',
        evidenceRef: ticketId,
        link: { orderRef: invitation.orderRef },
        ledgerSeq: entry.seq,
        effectiveAt: entry.at,
      });
      return { alreadyJoined: false as const, subjectRef, purposes, channels, notice };
    });
    this.messaging.relay.kick();
    return outcome;
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
