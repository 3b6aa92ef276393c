import { Controller, Get, Inject, Param, Res, type Type } from '@nestjs/common';
import { ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@siyu/auth';
import type { Response } from 'express';
import type { DataSource } from 'typeorm';
import { followShortLink, type ShortLinkTarget } from './follow-short-link';
import { shortLinkPage, UNKNOWN_LINK, type PageSentence } from './short-link-pages';
import { ShortLinkRepository } from './short-link.repository';

export interface ShortLinkRouteOptions {
  /** Class name (operation ids must differ between services). */
  name: string;
  /** One path segment: `t` serves `/t/<code>`. */
  path: string;
  kind: string;
  tag: string;
  /** The service's DataSource token. */
  db: string | symbol;
  target: Type<ShortLinkTarget>;
  /** What the expired page says: one clear sentence of what happened and what the customer can do. */
  expired: { title: PageSentence; sentence: PageSentence };
}

/**
 * GET /<path>/<code>: 302 to the long customer-page URL (the page itself still only confirms on
 * GET; its POST acts, so a link scanner following the redirect changes nothing), 410 with a page
 * that says the link expired, or 404 for anything else. Never cached: the long URL is signed per click.
 */
export function shortLinkRedirectController(o: ShortLinkRouteOptions): Type {
  const html = { 'text/html': { schema: { type: 'string' } } };

  @ApiTags(o.tag)
  @Controller(o.path)
  class ShortLinkRedirectController {
    private readonly links = new ShortLinkRepository();

    constructor(
      @Inject(o.db) private readonly ds: DataSource,
      @Inject(o.target) private readonly target: ShortLinkTarget,
    ) {}

    @Get(':code')
    @Public('customer-page')
    @ApiParam({ name: 'code', description: '17 base62 characters (≈101 random bits)' })
    @ApiProduces('text/html')
    @ApiResponse({
      status: 302,
      description: 'Redirect to the customer page this link stands for (Location header)',
      headers: {
        Location: { description: 'the long, signed customer-page URL', schema: { type: 'string' } },
      },
    })
    @ApiResponse({ status: 404, description: 'An HTML page: this link does not exist', content: html })
    @ApiResponse({ status: 410, description: 'An HTML page: this link has expired', content: html })
    async follow(@Param('code') code: string, @Res() res: Response): Promise<void> {
      const followed = await followShortLink(this.ds.manager, this.links, o.kind, this.target, code);
      res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      if (followed.kind === 'redirect') res.redirect(302, followed.location);
      else if (followed.kind === 'expired')
        res.status(410).type('html').send(shortLinkPage(o.expired.title, o.expired.sentence));
      else
        res
          .status(404)
          .type('html')
          .send(shortLinkPage({ zh: '链接无效', en: 'Link not found' }, UNKNOWN_LINK));
    }
  }
  Object.defineProperty(ShortLinkRedirectController, 'name', { value: o.name });
  return ShortLinkRedirectController;
}
