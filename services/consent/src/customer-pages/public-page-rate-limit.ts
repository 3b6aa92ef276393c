import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { retryAfterHeader, type RateLimitStore } from '@siyu/http';
import { ConsentKeys } from '../consent.keys';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { NOTICE_LOCALES } from '../notices/notice';
import { tooManyRequestsPage } from './consent-pages';
import { PageRateLimitRepository } from './page-rate-limit.repository';
import { choosePageLocale } from './page-locale';

const DEFAULT_PER_MINUTE = 120;
const WINDOW_SECONDS = 60;
/** A window's row is kept until the next window has ended too, then forgotten. */
const KEEP_SECONDS = 2 * WINDOW_SECONDS;

/**
 * Per-address limit over every public customer page (/q, /u, /p), counted in PostgreSQL so every
 * consent process shares one budget (issue 14). The key is a keyed hash (the consent blind index)
 * of the client address, never the address (R1); rows are purged two windows after they end. Per-phone
 * and per-token limits on one-time codes live in the database too (RequestCode).
 * Behind a proxy set Express's `trust proxy` so `req.ip` is the client, not the proxy.
 * If the database cannot answer, the request goes through (the page itself then answers from its own
 * database access or fails as it would): a limiter outage must not turn every customer away.
 */
@Injectable()
export class PublicPageRateLimit implements NestMiddleware {
  private readonly logger = new Logger('PublicPageRateLimit');
  private readonly limit: number;
  private readonly store: RateLimitStore;
  private readonly repository: PageRateLimitRepository;
  private nextPurgeAt = 0;

  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    @Inject(CONSENT_DB) ds: DataSource,
    private readonly keys: ConsentKeys,
  ) {
    const configured = Number(options.env.PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE);
    this.limit = Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_PER_MINUTE;
    this.repository = new PageRateLimitRepository(ds.manager);
    this.store = this.repository;
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const key = this.keys.index.compute(`page-rate:${this.options.brand.id}`, ip);
    this.purgeNowAndThen();
    let decision;
    try {
      decision = await this.store.take(key, this.limit, WINDOW_SECONDS);
    } catch (err) {
      this.logger.warn(`page rate limit not counted: ${(err as Error).message}`);
      return next();
    }
    if (decision.allowed) return next();
    res.status(429).setHeader('Retry-After', retryAfterHeader(decision));
    // No further database read while refusing: the language comes from the request alone.
    const locale = choosePageLocale(
      { lang: req.query.lang, acceptLanguage: req.headers['accept-language'] },
      NOTICE_LOCALES,
    );
    res.type('html').send(tooManyRequestsPage({ locale }));
  }

  /** At most once a window per process, in the background: expired windows are forgotten. */
  private purgeNowAndThen(): void {
    const now = Date.now();
    if (now < this.nextPurgeAt) return;
    this.nextPurgeAt = now + WINDOW_SECONDS * 1000;
    this.repository
      .purgeOlderThan(KEEP_SECONDS)
      .catch((err: Error) => this.logger.warn(`page rate limit purge failed: ${err.message}`));
  }
}
