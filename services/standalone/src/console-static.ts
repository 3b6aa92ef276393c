import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { describeApi } from '@siyu/auth';

// The console is staff-only code with no secrets in it; its data comes from /api/v1 with a token.
const CONSOLE_HEADERS: Record<string, string> = {
  // antd styles with inline <style> (CSS-in-JS); scripts only from here.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * standalone's extras: the API description (/api/docs, /api-json: every service merged, as all of
 * them run in this one app) and the console SPA at /console (static files from `dir`, built by
 * `npm run build:console`; any other /console/* path answers index.html, the SPA routes it).
 */
/** Where the built console lives (`npm run build:console`). */
export function consoleDir(): string {
  return process.env.SIYU_CONSOLE_DIR ?? join(process.cwd(), 'dist', 'console');
}

/** Whether `npm run build:console` has produced the console the front door may link. */
export function consoleIsBuilt(dir = consoleDir()): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** What the page at `/` links besides health: the API reference, and the console once built. */
export function frontDoorLinks(dir = consoleDir()): { apiDocsPath: string; consolePath?: string } {
  return { apiDocsPath: '/api/docs', ...(consoleIsBuilt(dir) ? { consolePath: '/console/' } : {}) };
}

export function serveConsoleAndApiDocs(app: INestApplication, dir = consoleDir()): void {
  describeApi(app, 'standalone');
  const index = join(dir, 'index.html');
  const headers = (_req: Request, res: Response, next: NextFunction) => {
    res.set(CONSOLE_HEADERS);
    next();
  };
  app.use('/console', headers, express.static(dir, { index: false, fallthrough: true, maxAge: '1h' }));
  app.use('/console', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!existsSync(index))
      return res.status(503).type('text').send('console not built: npm run build:console');
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
}
