import { Inject, Injectable } from '@nestjs/common';
import QRCode from 'qrcode';
import { TokenSigner } from '@siyu/crypto';
import { OrderRepository } from '../imports/order.repository';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { InvitationsError, InvitationsErrorCode } from './invitations.errors';

export interface Invitation {
  token: string;
  url: string;
  qrSvg: string;
}

export const INVITATION_PURPOSE = 'qr-invite';
const INVITATION_LIFETIME_SECONDS = 90 * 24 * 3600;

/**
 * The parcel-card QR code (R7 door b): a signed token naming only the order ref and the brand,
 * never PII (R16). Scanning it leads to the consent page; nothing is consented by issuing it.
 */
@Injectable()
export class IssueInvitation {
  constructor(
    private readonly orders: OrderRepository,
    private readonly signer: TokenSigner,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersModuleOptions,
  ) {}

  async execute(orderRef: string): Promise<Invitation> {
    if (!(await this.orders.existsByRef(orderRef))) {
      throw new InvitationsError(InvitationsErrorCode.ORDER_NOT_FOUND, `no order ${orderRef}`);
    }
    const token = this.signer.sign(
      { o: orderRef, b: this.options.brandId },
      { purpose: INVITATION_PURPOSE, expiresInSeconds: INVITATION_LIFETIME_SECONDS },
    );
    const url = `${this.options.publicBaseUrl.replace(/\/+$/, '')}/q/${token}`;
    const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { token, url, qrSvg };
  }
}
