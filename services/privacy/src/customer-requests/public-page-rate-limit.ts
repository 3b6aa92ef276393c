import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import type { NextFunction, Request, Response } from 'express';
import { errorPage } from './customer-request-pages';
import { choosePageLocale } from './page-locale';

const WINDOW_MS = 60_000;
const MAX_TRACKED = 50_000;

/**
 * Per-IP sliding window over the public request pages (/rights), in memory per process. Codes per
 * phone are limited where the phone is known (consent), attempts per challenge in the database.
 */
@Injectable()
export class RightsPageRateLimit implements NestMiddleware {
  private readonly hits = new Map<string, number[]>();

  private readonly limit: number;

  constructor(@Inject(PRIVACY_OPTIONS) options: PrivacyModuleOptions) {
    this.limit = options.publicPageRateLimitPerMinute ?? 60;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const now = Date.now();
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const recent = (this.hits.get(ip) ?? []).filter((t) => t > now - WINDOW_MS);
    if (recent.length >= this.limit) {
      this.hits.set(ip, recent);
      res
        .status(429)
        .setHeader('Retry-After', String(Math.max(1, Math.ceil((recent[0] + WINDOW_MS - now) / 1000))));
      res
        .type('html')
        .send(
          errorPage(choosePageLocale(req.query.lang, req.headers['accept-language']), 'TOO_MANY_REQUESTS'),
        );
      return;
    }
    recent.push(now);
    this.hits.delete(ip);
    this.hits.set(ip, recent);
    if (this.hits.size > MAX_TRACKED) this.hits.delete(this.hits.keys().next().value!);
    next();
  }
}
