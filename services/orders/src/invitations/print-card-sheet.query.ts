import { Inject, Injectable } from '@nestjs/common';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { InvitationRepository } from './invitation.repository';
import { InvitationsError, InvitationsErrorCode } from './invitations.errors';
import { IssueInvitation } from './issue-invitation.use-case';
import { renderCardSheet, shortCodeOf, type CardsPerPage } from './parcel-card-sheet';

export interface CardSheetRequest {
  shopId: string;
  /** YYYY-MM-DD, China calendar day. */
  shippedOn: string;
  perPage?: CardsPerPage;
}

export interface PrintedCardSheet {
  html: string;
  cards: number;
}

const DEFAULT_HEADLINE = '扫码成为会员';
const DEFAULT_TEXT = '扫码关注品牌，售后与会员服务由你决定是否加入；不扫码不影响收货与售后。';

/**
 * One printable sheet of parcel cards for the orders a shop shipped on a day: brand text (from
 * PARCEL_CARD_HEADLINE / PARCEL_CARD_TEXT), a QR invitation and a short code per card. No
 * receiver data ever reaches the card (R16).
 */
@Injectable()
export class PrintCardSheet {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly issueInvitation: IssueInvitation,
    @Inject(ORDERS_OPTIONS) private readonly options: Pick<OrdersModuleOptions, 'env' | 'brandId'>,
  ) {}

  async execute(request: CardSheetRequest): Promise<PrintedCardSheet> {
    const orderRefs = await this.invitations.findShippedOn(request.shopId, request.shippedOn);
    if (orderRefs.length === 0) {
      throw new InvitationsError(
        InvitationsErrorCode.NO_ORDERS_SHIPPED,
        `no order of shop ${request.shopId} was shipped on ${request.shippedOn}`,
      );
    }
    const cards = [];
    for (const orderRef of orderRefs) {
      const invitation = await this.issueInvitation.issueForKnownOrder(orderRef);
      cards.push({ shortCode: shortCodeOf(orderRef), qrSvg: invitation.qrSvg });
    }
    const html = renderCardSheet({
      headline: this.options.env.PARCEL_CARD_HEADLINE?.trim() || DEFAULT_HEADLINE,
      text: this.options.env.PARCEL_CARD_TEXT?.trim() || DEFAULT_TEXT,
      caption: `${this.options.brandId} · ${request.shopId} · ${request.shippedOn}`,
      perPage: request.perPage ?? 8,
      cards,
    });
    return { html, cards: cards.length };
  }
}
