import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { AgreeToConsent } from '../grants/agree-to-consent.use-case';
import { ContactProofs, type ContactProof } from '../grants/contact-proof';
import { NoticeRepository } from '../notices/notice.repository';
import type { CardAgreeForm, GrantOutcome } from '../qr-consent/grant-consent-by-card.use-case';
import { QrConsentError, QrConsentErrorCode } from '../qr-consent/qr-consent.errors';
import { confirmShownNotice } from '../qr-consent/shown-notice';
import { readWecomInvite } from './wecom-invite';

/**
 * Door 2 reached from WeCom (R7): the customer added the brand's staff member — which is not
 * consent — and agrees on the page the welcome message linked. Only an explicit act counts (R6);
 * the grant covers the WeCom channel only, the contact the link was issued for.
 */
@Injectable()
export class GrantConsentByWecom {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly notices: NoticeRepository,
    private readonly proofs: ContactProofs,
    private readonly agree: AgreeToConsent,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(form: CardAgreeForm): Promise<GrantOutcome> {
    const invite = readWecomInvite(
      this.keys.invitations,
      this.keys.contacts,
      form.token,
      this.options.brand.id,
    );
    if (!form.agree)
      throw new QrConsentError(QrConsentErrorCode.NO_AGREEMENT, 'the agree box was not ticked');
    const proof: ContactProof = {
      by: 'wecom_contact',
      externalUserId: invite.externalUserId,
      staffUserId: invite.staffUserId,
      inviteId: invite.inviteId,
    };
    const outcome = await this.ds.transaction(async (tx) => {
      const notice = await confirmShownNotice(this.notices, tx, invite.brandId, form.shownNotice);
      // What the notice listed (R5, R7) and the form chose, on the one channel this contact is for.
      const purposes = notice.content.purposes.map((p) => p.id).filter((p) => form.purposes.includes(p));
      const channels = this.proofs.channelsProven(
        proof.by,
        notice.content.channels.filter((c) => form.channels.includes(c)),
      );
      if (purposes.length === 0 || channels.length === 0)
        throw new QrConsentError(
          QrConsentErrorCode.NOTHING_CHOSEN,
          'no purpose or the WeCom channel not chosen',
        );
      const subjectRef = await this.proofs.subjectFor(tx, invite.brandId, proof);
      await this.agree.in(tx, {
        brandId: invite.brandId,
        subjectRef,
        purposes,
        channels,
        notice,
        door: 'parcel_qr',
        proof,
        evidence: { reachedFrom: 'wecom_welcome_message' },
        link: {},
        timeZone: form.timeZone,
      });
      return { alreadyJoined: false as const, subjectRef, purposes, channels, notice };
    });
    this.messaging.relay.kick();
    return outcome;
  }
}
