import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { AgreeToConsent } from '../grants/agree-to-consent.use-case';
import { ContactProofs, type ContactProof } from '../grants/contact-proof';
import { LedgerRepository } from '../ledger/ledger.repository';
import { NoticeRepository } from '../notices/notice.repository';
import type { PublishedNotice } from '../notices/notice';
import { readInvitation, type Invitation } from './invitation';
import { ParcelCardClaimRepository } from './parcel-card-claim.repository';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';
import { confirmShownNotice, type ShownNotice } from './shown-notice';

/** What both card steps submit besides the contact proof. */
export interface CardAgreeForm {
  token: string;
  agree: boolean;
  /** The customer answered "under 14" (R2, PIPL Art. 31): no marketing consent without a guardian's. */
  declaredUnder14: boolean;
  /** The notice the page showed (R5); the grant records its hash, or is refused. */
  shownNotice: ShownNotice;
  purposes: string[];
  channels: string[];
  ip: string;
  userAgent: string;
  /** The browser's IANA zone, for quiet hours in the member's own time (not consent evidence). */
  timeZone?: string;
}

/**
 * How the page proved the contact: by a code (checked inside the grant's transaction, so a wrong
 * code's attempt is counted though nothing is granted: null) or by a WeChat ticket read before.
 */
export interface ContactCheck {
  by: ContactProof['by'];
  proveIn(tx: EntityManager, invitation: Invitation): Promise<ContactProof | null>;
}

export type GrantOutcome = (
  | { alreadyJoined: false; subjectRef: string; purposes: Purpose[]; channels: Channel[] }
  | { alreadyJoined: true; subjectRef: string }
) & { notice: PublishedNotice };

/**
 * Door 2 (R7): the parcel-card QR consent, whichever way the contact was proven (R6). Only an
 * explicit act counts; a card links its order to one subject only.
 */
@Injectable()
export class GrantConsentByCard {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly notices: NoticeRepository,
    private readonly ledger: LedgerRepository,
    private readonly cards: ParcelCardClaimRepository,
    private readonly proofs: ContactProofs,
    private readonly agree: AgreeToConsent,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(form: CardAgreeForm, check: ContactCheck): Promise<GrantOutcome> {
    const invitation = readInvitation(this.keys.invitations, form.token, this.options.brand.id);
    if (!form.agree)
      throw new QrConsentError(QrConsentErrorCode.NO_AGREEMENT, 'the agree box was not ticked');
    // R2: a child under 14 cannot consent alone and this page has no guardian's consent flow.
    if (form.declaredUnder14)
      throw new QrConsentError(QrConsentErrorCode.UNDER_14, 'age: declared under 14; no consent recorded');
    const brandId = invitation.brandId;
    const outcome = await this.ds.transaction(async (tx) => {
      const notice = await confirmShownNotice(this.notices, tx, brandId, form.shownNotice);
      // A consent covers only what its notice listed (R5, R7), and only channels the proof verified
      // a contact for: anything else in the form is ignored.
      const purposes = notice.content.purposes.map((p) => p.id).filter((p) => form.purposes.includes(p));
      const channels = this.proofs.channelsProven(
        check.by,
        notice.content.channels.filter((c) => form.channels.includes(c)),
      );
      if (purposes.length === 0 || channels.length === 0)
        throw new QrConsentError(QrConsentErrorCode.NOTHING_CHOSEN, 'no purpose or channel chosen');
      const proof = await check.proveIn(tx, invitation);
      if (!proof) return 'bad-code' as const;
      // A used card: this order already joined with this contact (now proven) — record nothing.
      // Only the contact's owner reaches this answer, so it reveals membership to no one else.
      const known = await this.proofs.findSubject(tx, brandId, proof);
      if (known && (await this.ledger.hasGrantForOrder(tx, known, invitation.orderRef)))
        return { alreadyJoined: true as const, subjectRef: known, notice };
      // A card links its order to one subject only, whichever door it used first; any other contact
      // is refused and the whole transaction (code use included) rolls back (issue 9 §4).
      if (!(await this.cards.claim(tx, brandId, invitation.orderRef))) throw cardAlreadyUsed();
      const subjectRef = await this.proofs.subjectFor(tx, brandId, proof);
      await this.agree.in(tx, {
        brandId,
        subjectRef,
        purposes,
        channels,
        notice,
        door: 'parcel_qr',
        proof,
        evidence: {
          tokenId: invitation.tokenId,
          orderRef: invitation.orderRef,
          ipHash: sha256(form.ip).slice(0, 16),
          userAgentHash: sha256(form.userAgent).slice(0, 16),
        },
        link: { orderRef: invitation.orderRef },
        timeZone: form.timeZone,
      });
      return { alreadyJoined: false as const, subjectRef, purposes, channels, notice };
    });
    if (outcome === 'bad-code')
      throw new QrConsentError(QrConsentErrorCode.CODE_INVALID, 'code wrong, used or expired');
    this.messaging.relay.kick();
    return outcome;
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
