import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import QRCode from 'qrcode';
import { OrderRepository } from '../order-book/order.repository';
import { ORDERS_DB } from '../orders.options';
import { INVITATION_LIFETIME_SECONDS, ParcelCardLinks } from '../short-links/parcel-card-links';
import { InvitationRepository } from './invitation.repository';
import { InvitationsError, InvitationsErrorCode } from './invitations.errors';

export interface Invitation {
  /** The long signed token; `url` is its consent page. Both keep working until they expire. */
  token: string;
  url: string;
  /** What the QR code encodes: `/c/<17 characters>`, redirecting to a freshly signed `url` (ADR 0008). */
  shortUrl: string;
  qrSvg: string;
  /**
   * For a WeCom "contact me" (联系我) code: pass as `state` to externalcontact/add_contact_way.
   * At most 30 characters (WeCom's limit), opaque, stands for the order ref (no PII).
   */
  wecomState: string;
}

export { INVITATION_LIFETIME_SECONDS, INVITATION_PURPOSE } from '../short-links/parcel-card-links';
export const WECOM_STATE_MAX_LENGTH = 30;

/**
 * The parcel-card QR code (R7 door b): a signed token naming only the order ref and the brand,
 * never PII (R16). Scanning it leads to the consent page; nothing is consented by issuing it.
 */
@Injectable()
export class IssueInvitation {
  constructor(
    private readonly orders: OrderRepository,
    private readonly invitations: InvitationRepository,
    private readonly cardLinks: ParcelCardLinks,
    @Inject(ORDERS_DB) private readonly ds: DataSource,
  ) {}

  async execute(orderRef: string): Promise<Invitation> {
    if (!(await this.orders.existsByRef(orderRef))) {
      throw new InvitationsError(InvitationsErrorCode.ORDER_NOT_FOUND, `no order ${orderRef}`);
    }
    return this.issueForKnownOrder(orderRef);
  }

  /** For batches whose order refs were just read from the orders table. */
  async issueForKnownOrder(orderRef: string): Promise<Invitation> {
    const url = this.urlOf(orderRef);
    const shortUrl = await this.shortUrlOf(orderRef);
    const qrSvg = await QRCode.toString(shortUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const wecomState = await this.invitations.wecomStateFor(
      orderRef,
      // 'o' + 24 hex = 25 characters, 96 random bits.
      `o${randomBytes(12).toString('hex')}`,
      new Date(Date.now() + INVITATION_LIFETIME_SECONDS * 1000),
    );
    return { ...url, shortUrl, qrSvg, wecomState };
  }

  /** The QR code as a PNG image (for label printers and chat tools). */
  async png(orderRef: string): Promise<Buffer> {
    return QRCode.toBuffer(await this.checkedShortUrl(orderRef), {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      scale: 8,
    });
  }

  /** The QR code as a standalone SVG document. */
  async svg(orderRef: string): Promise<string> {
    return QRCode.toString(await this.checkedShortUrl(orderRef), {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
  }

  private async checkedShortUrl(orderRef: string): Promise<string> {
    if (!(await this.orders.existsByRef(orderRef))) {
      throw new InvitationsError(InvitationsErrorCode.ORDER_NOT_FOUND, `no order ${orderRef}`);
    }
    return this.shortUrlOf(orderRef);
  }

  /** The card's short link: the same code for the order every time, its life extended (ADR 0008). */
  private shortUrlOf(orderRef: string): Promise<string> {
    return this.ds.transaction((tx) => this.cardLinks.shortUrlFor(tx, orderRef));
  }

  private urlOf(orderRef: string): { token: string; url: string } {
    return this.cardLinks.longUrl(orderRef);
  }
}
