import { Inject, Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { loadBlindIndex, type BlindIndex } from '@siyu/crypto';
import { retryAfterHeader, type RateLimitStore } from '@siyu/http';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { errorPage } from './customer-request-pages';
import { choosePageLocale } from './page-locale';
import { RightsPageRateLimitRepository } from './rights-page-rate-limit.repository';

const DEFAULT_PER_MINUTE = 60;
const WINDOW_SECONDS = 60;
/** A window's row is kept until the next window has ended too, then forgotten. */
const KEEP_SECONDS = 2 * WINDOW_SECONDS;

/**
 * Per-address limit over the public request pages (/rights, its code and export endpoints), counted
 * in PostgreSQL so every privacy process shares one budget (issue 14). The key is a keyed hash
 * (PRIVACY_BLIND_INDEX_KEY, privacy's own key, R16) of brand + client address, never the address (R1);
 * rows are purged two windows after they end. Codes per phone are limited where the phone is known
 * (consent), attempts per challenge in the database.
 * Behind a proxy set Express's `trust proxy` so `req.ip` is the client, not the proxy.
 * If the database cannot answer, the request goes through (the page then fails or answers from its own
 * database access): a limiter outage must not turn every requester away. A missing key is a deployment
 * error and fails the request instead of counting plaintext addresses.
 */
@Injectable()
export class RightsPageRateLimit implements NestMiddleware {
  private readonly logger = new Logger('RightsPageRateLimit');
  private readonly limit: number;
  private readonly repository: RightsPageRateLimitRepository;
  private readonly store: RateLimitStore;
  private index: BlindIndex | undefined;
  private nextPurgeAt = 0;

  constructor(
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    @Inject(PRIVACY_DB) ds: DataSource,
  ) {
    const configured = options.publicPageRateLimitPerMinute;
    this.limit = Number.isInteger(configured) && configured! > 0 ? configured! : DEFAULT_PER_MINUTE;
    this.repository = new RightsPageRateLimitRepository(ds.manager);
    this.store = this.repository;
  }

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // Read on first use: apps that never serve /rights (officer-only tests) need no key.
    this.index ??= loadBlindIndex(this.options.env ?? {}, 'PRIVACY');
    const key = this.index.compute(`rights-rate:${this.options.brandId}`, ip);
    this.purgeNowAndThen();
    let decision;
    try {
      decision = await this.store.take(key, this.limit, WINDOW_SECONDS);
    } catch (err) {
      this.logger.warn(`rights page rate limit not counted: ${(err as Error).message}`);
      return next();
    }
    if (decision.allowed) return next();
    res.status(429).setHeader('Retry-After', retryAfterHeader(decision));
    // No further database read while refusing: the language comes from the request alone.
    res
      .type('html')
      .send(errorPage(choosePageLocale(req.query.lang, req.headers['accept-language']), 'TOO_MANY_REQUESTS'));
  }

  /** At most once a window per process, in the background: expired windows are forgotten. */
  private purgeNowAndThen(): void {
    const now = Date.now();
    if (now < this.nextPurgeAt) return;
    this.nextPurgeAt = now + WINDOW_SECONDS * 1000;
    this.repository
      .purgeOlderThan(KEEP_SECONDS)
      .catch((err: Error) => this.logger.warn(`rights page rate limit purge failed: ${err.message}`));
  }
}
