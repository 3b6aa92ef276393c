import { Inject, Injectable } from '@nestjs/common';
import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';
import type { ShortLink, ShortLinkTarget } from '@siyu/short-links';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { UnsubscribeLinks } from '../templates/unsubscribe-links';

/** `/t/<code>` → consent's `/u/<token>`, signed at the click for the link's remaining life. */
@Injectable()
export class UnsubscribeShortLinkTarget implements ShortLinkTarget {
  readonly brandId: string;

  constructor(
    @Inject(OUTREACH_OPTIONS) options: OutreachModuleOptions,
    private readonly links: UnsubscribeLinks,
  ) {
    this.brandId = options.brand.id;
  }

  longUrlFor(link: ShortLink, now: Date): string {
    const { s, c, u } = link.claims;
    // Written by UnsubscribeLinks only; a row that says otherwise is a bug, not a customer's error.
    if (!(CHANNELS as readonly string[]).includes(c) || !(PURPOSES as readonly string[]).includes(u))
      throw new Error(`short link ${link.code.slice(0, 4)}… has unknown channel or purpose`);
    return this.links.linkFor(
      s,
      c as Channel,
      u as Purpose,
      (link.expiresAt.getTime() - now.getTime()) / 1000,
    );
  }
}
