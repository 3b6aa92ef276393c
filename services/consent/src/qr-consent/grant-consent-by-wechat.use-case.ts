import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { LedgerRepository } from '../ledger/ledger.repository';
import { RecordGrant } from '../ledger/record-grant.use-case';
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
    private readonly cards: ParcelCardClaimRepository,
    private readonly recordGrant: RecordGrant,
    private readonly messaging: ServiceMessaging,
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
    const subjectIndex = this.keys.openidSubjectIndex(brandId, openid);
    const outcome = await this.ds.transaction(async (tx) => {
      const notice = await confirmShownNotice(this.notices, tx, brandId, form.shownNotice);
      // Only what the notice listed (R5, R7), and only WeChat: an openid proves no other contact.
      const purposes = notice.content.purposes.map((p) => p.id).filter((p) => form.purposes.includes(p));
      const channels = notice.content.channels.filter((c) => c === 'wechat' && form.channels.includes(c));
      if (purposes.length === 0 || channels.length === 0)
        throw new QrConsentError(QrConsentErrorCode.NOTHING_CHOSEN, 'no purpose or channel chosen');
      const known = await this.subjects.findByOpenidIndex(tx, brandId, subjectIndex);
      if (known && (await this.ledger.hasGrantForOrder(tx, known, invitation.orderRef)))
        return { alreadyJoined: true as const, subjectRef: known, notice };
      // One subject per card, whichever door it used first (issue 9 §4): refused, nothing written.
      if (!(await this.cards.claim(tx, brandId, invitation.orderRef))) throw cardAlreadyUsed();
      const contacts = this.keys.contacts;
      // The subject's verified contact is the openid, sealed, under its own index domain.
      const subjectRef = await this.subjects.findOrCreate(tx, brandId, subjectIndex, (ref) =>
        contacts.seal(openid, ref),
      );
      await this.recordGrant.in(tx, {
        brandId,
        subjectRef,
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
        },
        evidenceRef: ticketId,
        // No SMS contact point: WeChat outreach resolves the subject through its binding.
        contactPoints: [],
        link: { orderRef: invitation.orderRef },
      });
      await this.bindings.bind(tx, brandId, openidIndex(this.keys.index, brandId, openid), subjectRef);
      return { alreadyJoined: false as const, subjectRef, purposes, channels, notice };
    });
    this.messaging.relay.kick();
    return outcome;
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
