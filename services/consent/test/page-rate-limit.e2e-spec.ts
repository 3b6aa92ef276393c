import request from 'supertest';
import type { DataSource } from 'typeorm';
import { adminQuery } from '@siyu/testing';
import { CONSENT_DB } from '../src/consent.options';
import { PageRateLimitRepository } from '../src/customer-pages/page-rate-limit.repository';
import { inviteToken, startConsentApp, type ConsentTestApp } from './consent-test-app';

const LIMIT = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 14: the public pages' per-address budget holds across processes. Two consent apps (two
 * processes of one deployment: the same keys) on one database share one budget; a refusal carries
 * Retry-After; only a keyed hash of the address is stored, and expired windows are purged.
 */
describe('public page rate limit shared across processes', () => {
  let a: ConsentTestApp;
  let b: ConsentTestApp;

  beforeAll(async () => {
    a = await startConsentApp({ env: { PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    b = await startConsentApp({
      adminUrl: a.adminUrl,
      env: { ...a.secrets, PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE: String(LIMIT) },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  // b runs with a's keys (one deployment), so a's parcel-card tokens are valid on both.
  /** Windows are minutes of the database clock: start well inside one so the budget cannot reset mid-test. */
  async function insideOneWindow() {
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 20_000) await sleep(msLeft + 500);
  }

  it('counts requests to either process against one budget and answers 429 with Retry-After beyond it', async () => {
    await insideOneWindow();
    await adminQuery(a.adminUrl, 'DELETE FROM consent.page_rate_limits');
    for (let i = 0; i < LIMIT / 2; i++) {
      await request(a.http)
        .get(`/q/${inviteToken(a)}`)
        .expect(200);
      await request(b.http)
        .get(`/q/${inviteToken(a)}`)
        .expect(200);
    }
    // Each process alone has seen only half the limit: an in-memory limiter would still let these through.
    for (const [app, path] of [
      [b, `/q/${inviteToken(a)}`],
      [a, '/u/anything'],
      [b, '/p/anything'],
    ] as const) {
      const refused = await request(app.http).get(path).expect(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.text).toContain('请求过于频繁');
    }
    const [row] = await adminQuery<{ hits: number }>(a.adminUrl, 'SELECT hits FROM consent.page_rate_limits');
    expect(Number(row.hits)).toBe(LIMIT + 3);
  });

  it('stores only a keyed hash of the client address, never the address', async () => {
    const rows = await adminQuery<{ key_hash: string }>(
      a.adminUrl,
      'SELECT key_hash FROM consent.page_rate_limits',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { key_hash } of rows) {
      expect(key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(key_hash).not.toContain('127.0.0.1');
    }
    const dump = JSON.stringify(await adminQuery(a.adminUrl, 'SELECT * FROM consent.page_rate_limits'));
    expect(dump).not.toMatch(/127\.0\.0\.1|::1/);
  });

  it('gives a new window a fresh budget', async () => {
    // The stored window ended: the next request opens a new one instead of adding to the old.
    await adminQuery(
      a.adminUrl,
      "UPDATE consent.page_rate_limits SET window_start = window_start - interval '5 minutes'",
    );
    await request(b.http)
      .get(`/q/${inviteToken(a)}`)
      .expect(200);
    const [row] = await adminQuery<{ hits: number }>(a.adminUrl, 'SELECT hits FROM consent.page_rate_limits');
    expect(Number(row.hits)).toBe(1);
  });

  it('purges windows that ended more than one window ago and keeps the current one', async () => {
    await adminQuery(
      a.adminUrl,
      `INSERT INTO consent.page_rate_limits (key_hash, window_start, hits)
       VALUES (repeat('a', 64), now() - interval '10 minutes', 3)`,
    );
    const repository = new PageRateLimitRepository(a.app.get<DataSource>(CONSENT_DB).manager);
    expect(await repository.purgeOlderThan(120)).toBe(1);
    const left = await adminQuery<{ key_hash: string }>(
      a.adminUrl,
      'SELECT key_hash FROM consent.page_rate_limits',
    );
    expect(left).toHaveLength(1);
    expect(left[0].key_hash).not.toBe('a'.repeat(64));
  });
});
