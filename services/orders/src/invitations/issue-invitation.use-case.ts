import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { TokenSigner } from '@siyu/crypto';
import { OrderRepository } from '../order-book/order.repository';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { InvitationRepository } from './invitation.repository';
import { InvitationsError, InvitationsErrorCode } from './invitations.errors';

export interface Invitation {
  token: string;
  url: string;
  qrSvg: string;
  /**
   * For a WeCom "contact me" (联系我) code: pass as `state` to externalcontact/add_contact_way.
   * At most 30 characters (WeCom's limit), opaque, stands for the order ref (no PII).
   */
  wecomState: string;
}

export const INVITATION_PURPOSE = 'qr-invite';
export const INVITATION_LIFETIME_SECONDS = 90 * 24 * 3600;
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
    private readonly signer: TokenSigner,
    @Inject(ORDERS_OPTIONS) private readonly options: Pick<OrdersModuleOptions, 'brandId' | 'publicBaseUrl'>,
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
    const qrSvg = await QRCode.toString(url.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const wecomState = await this.invitations.wecomStateFor(
      orderRef,
      // 'o' + 24 hex = 25 characters, 96 random bits.
      `o${randomBytes(12).toString('hex')}`,
      new Date(Date.now() + INVITATION_LIFETIME_SECONDS * 1000),
    );
    return { ...url, qrSvg, wecomState };
  }

  /** The QR code as a PNG image (for label printers and chat tools). */
  async png(orderRef: string): Promise<Buffer> {
    return QRCode.toBuffer((await this.checkedUrl(orderRef)).url, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      scale: 8,
    });
  }

  /** The QR code as a standalone SVG document. */
  async svg(orderRef: string): Promise<string> {
    return QRCode.toString((await this.checkedUrl(orderRef)).url, {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 2,
    });
  }

  private async checkedUrl(orderRef: string): Promise<{ token: string; url: string }> {
    if (!(await this.orders.existsByRef(orderRef))) {
      throw new InvitationsError(InvitationsErrorCode.ORDER_NOT_FOUND, `no order ${orderRef}`);
    }
    return this.urlOf(orderRef);
  }

  private urlOf(orderRef: string): { token: string; url: string } {
    const token = this.signer.sign(
      { o: orderRef, b: this.options.brandId },
      { purpose: INVITATION_PURPOSE, expiresInSeconds: INVITATION_LIFETIME_SECONDS },
    );
    return { token, url: `${this.options.publicBaseUrl.replace(/\/+$/, '')}/q/${token}` };
  }
}
