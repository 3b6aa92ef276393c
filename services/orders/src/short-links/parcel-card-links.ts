import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TokenSigner } from '@siyu/crypto';
import { ShortLinkRepository, type ShortLink, type ShortLinkTarget } from '@siyu/short-links';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';

export const INVITATION_PURPOSE = 'qr-invite';
export const INVITATION_LIFETIME_SECONDS = 90 * 24 * 3600;
export const PARCEL_CARD_SHORT_LINK_KIND = 'parcel-card';
/** `/c/<code>` (card); consent keeps `/q/<token>` for the long links. */
export const PARCEL_CARD_SHORT_LINK_PATH = 'c';
/** A page opened from a card stays usable this long, even if the card's link expires meanwhile. */
const MIN_REDIRECT_TTL = 3600;

/**
 * The parcel card's links (R7 door b): the long signed `/q/<token>` naming only the order ref and
 * the brand, and the short `/c/<code>` the QR code encodes (ADR 0008), which this class also
 * resolves — signing a fresh long token at each scan.
 */
@Injectable()
export class ParcelCardLinks implements ShortLinkTarget {
  readonly brandId: string;
  private readonly shortLinks = new ShortLinkRepository();
  private readonly publicBaseUrl: string;
  private readonly shortBaseUrl: string;

  constructor(
    private readonly signer: TokenSigner,
    @Inject(ORDERS_OPTIONS) options: Pick<OrdersModuleOptions, 'brandId' | 'publicBaseUrl' | 'env'>,
  ) {
    this.brandId = options.brandId;
    this.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
    // Where customers reach orders' `/c/` (an ingress routing by path: the same host as consent).
    this.shortBaseUrl = (options.env?.SHORT_LINK_BASE_URL ?? options.publicBaseUrl).replace(/\/+$/, '');
  }

  longUrl(orderRef: string, expiresInSeconds = INVITATION_LIFETIME_SECONDS): { token: string; url: string } {
    const token = this.signer.sign(
      { o: orderRef, b: this.brandId },
      {
        purpose: INVITATION_PURPOSE,
        expiresInSeconds: Math.max(MIN_REDIRECT_TTL, Math.ceil(expiresInSeconds)),
      },
    );
    return { token, url: `${this.publicBaseUrl}/q/${token}` };
  }

  /** One code per order; a re-issue (a reprinted card) extends its life. */
  async shortUrlFor(tx: EntityManager, orderRef: string): Promise<string> {
    const [code] = await this.shortLinks.issue(tx, [
      {
        kind: PARCEL_CARD_SHORT_LINK_KIND,
        brandId: this.brandId,
        claims: { o: orderRef },
        expiresAt: new Date(Date.now() + INVITATION_LIFETIME_SECONDS * 1000),
      },
    ]);
    await this.shortLinks.deleteLongExpired(tx, 200);
    return `${this.shortBaseUrl}/${PARCEL_CARD_SHORT_LINK_PATH}/${code}`;
  }

  longUrlFor(link: ShortLink, now: Date): string {
    return this.longUrl(link.claims.o, (link.expiresAt.getTime() - now.getTime()) / 1000).url;
  }
}
