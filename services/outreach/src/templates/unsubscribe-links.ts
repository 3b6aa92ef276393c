import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { loadTokenSigner, type TokenSigner } from '@siyu/crypto';
import type { Channel, Purpose } from '@siyu/contracts';
import { SAMPLE_SHORT_CODE, ShortLinkRepository } from '@siyu/short-links';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';

const UNSUBSCRIBE_LINK_TTL = 400 * 24 * 3600;
/** A page opened from a short link stays usable this long, even if the link expires meanwhile. */
const MIN_REDIRECT_TTL = 3600;
export const UNSUBSCRIBE_SHORT_LINK_KIND = 'unsubscribe';
/** `/t/<code>`: T as in the SMS reply "回T退订"; consent keeps `/u/<token>` for the long links. */
export const UNSUBSCRIBE_SHORT_LINK_PATH = 't';

/**
 * R9: the one-tap link each marketing message carries. In an SMS it is a short link
 * (`/t/<17 characters>`, ADR 0008) that outreach redirects to consent's signed page `/u/<token>`,
 * which redeems it; the long form stays valid for links already sent.
 */
@Injectable()
export class UnsubscribeLinks {
  private readonly signer: TokenSigner;
  private readonly shortLinks = new ShortLinkRepository();
  private readonly shortBaseUrl: string;

  constructor(@Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions) {
    this.signer = loadTokenSigner(options.env, 'UNSUBSCRIBE');
    // Where customers reach outreach's `/t/` (an ingress routing by path: the same host as consent).
    this.shortBaseUrl = (options.env.SHORT_LINK_BASE_URL ?? options.publicBaseUrl).replace(/\/+$/, '');
  }

  /** The long signed link consent's page accepts. */
  linkFor(
    subjectRef: string,
    channel: Channel,
    purpose: Purpose,
    expiresInSeconds = UNSUBSCRIBE_LINK_TTL,
  ): string {
    const token = this.signer.sign(
      { s: subjectRef, b: this.options.brand.id, c: channel, u: purpose },
      { purpose: 'unsubscribe', expiresInSeconds: Math.max(MIN_REDIRECT_TTL, Math.ceil(expiresInSeconds)) },
    );
    return `${this.options.publicBaseUrl}/u/${token}`;
  }

  /**
   * Short links for the subjects of one chunk, in the caller's transaction (the chunk's gate): one
   * per subject, channel and purpose, reused and extended by every later message.
   */
  async shortLinksFor(
    tx: EntityManager,
    subjectRefs: string[],
    channel: Channel,
    purpose: Purpose,
  ): Promise<Map<string, string>> {
    const expiresAt = new Date(Date.now() + UNSUBSCRIBE_LINK_TTL * 1000);
    const codes = await this.shortLinks.issue(
      tx,
      subjectRefs.map((s) => ({
        kind: UNSUBSCRIBE_SHORT_LINK_KIND,
        brandId: this.options.brand.id,
        claims: { s, c: channel, u: purpose },
        expiresAt,
      })),
    );
    await this.shortLinks.deleteLongExpired(tx, 200);
    return new Map(subjectRefs.map((s, i) => [s, this.shortUrl(codes[i])]));
  }

  /** A link as long as every real one, for length and cost estimates (what an SMS carries). */
  sample(): string {
    return this.shortUrl(SAMPLE_SHORT_CODE);
  }

  private shortUrl(code: string): string {
    return `${this.shortBaseUrl}/${UNSUBSCRIBE_SHORT_LINK_PATH}/${code}`;
  }
}
