import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { NOTICE_LOCALES } from '../notices/notice';
import { tooManyRequestsPage } from './consent-pages';
import { choosePageLocale } from './page-locale';

const DEFAULT_PER_MINUTE = 120;
const WINDOW_MS = 60_000;
/** Bounded memory: beyond this many tracked addresses the oldest are forgotten. */
const MAX_TRACKED = 50_000;

/**
 * Per-IP sliding window over every public customer page (/q, /u, /p), in memory per process.
 * Per-phone and per-token limits on one-time codes live in the database (RequestCode).
 * Behind a proxy set Express's `trust proxy` so `req.ip` is the client, not the proxy.
 */
@Injectable()
export class PublicPageRateLimit implements NestMiddleware {
  private readonly hits = new Map<string, number[]>();
  private readonly limit: number;

  constructor(@Inject(CONSENT_OPTIONS) options: ConsentModuleOptions) {
    const configured = Number(options.env.PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE);
    this.limit = Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_PER_MINUTE;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const now = Date.now();
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const recent = (this.hits.get(ip) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length >= this.limit) {
      this.hits.set(ip, recent);
      const retryAfter = Math.max(1, Math.ceil((recent[0] + WINDOW_MS - now) / 1000));
      res.status(429).setHeader('Retry-After', String(retryAfter));
      // No database read while refusing: the language comes from the request alone.
      const locale = choosePageLocale(
        { lang: req.query.lang, acceptLanguage: req.headers['accept-language'] },
        NOTICE_LOCALES,
      );
      res.type('html').send(tooManyRequestsPage({ locale }));
      return;
    }
    recent.push(now);
    this.hits.delete(ip); // re-insert so Map order is least-recently-seen first
    this.hits.set(ip, recent);
    if (this.hits.size > MAX_TRACKED) this.hits.delete(this.hits.keys().next().value!);
    next();
  }
}
