import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { generateSecretsEnv } from '@siyu/crypto';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';
import { PRIVACY_DB } from '../privacy.options';
import { RightsPageRateLimitRepository } from './rights-page-rate-limit.repository';

const LIMIT = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 14: the /rights pages' per-address budget holds across processes. Two privacy apps (two
 * processes of one deployment: the same keys) on one database share one budget; a refusal carries
 * Retry-After; only a keyed hash of the address is stored, and expired windows are purged.
 */
describe('rights page rate limit shared across processes', () => {
  const keys = testAuthKeys();
  const env = generateSecretsEnv();
  let adminUrl: string;
  let a: INestApplication;
  let b: INestApplication;

  async function startPrivacyApp(): Promise<INestApplication> {
    const ref = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          brandId: 'demo',
          publicPageRateLimitPerMinute: LIMIT,
          env,
          announce: () => undefined,
        }),
      ],
    }).compile();
    const app = ref.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
    return app;
  }

  beforeAll(async () => {
    adminUrl = await createTestDatabase('privrate');
    a = await startPrivacyApp();
    b = await startPrivacyApp();
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Windows are minutes of the database clock: start well inside one so the budget cannot reset mid-test. */
  async function insideOneWindow() {
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 20_000) await sleep(msLeft + 500);
  }

  it('counts requests to either process against one budget and answers 429 with Retry-After beyond it', async () => {
    await insideOneWindow();
    await adminQuery(adminUrl, 'DELETE FROM privacy.rights_page_rate_limits');
    for (let i = 0; i < LIMIT / 2; i++) {
      await request(a.getHttpServer()).get('/rights').expect(200);
      await request(b.getHttpServer()).get('/rights').expect(200);
    }
    // Each process alone has seen only half the limit: an in-memory limiter would still let these through.
    const refusals = [
      request(b.getHttpServer()).get('/rights'),
      request(a.getHttpServer()).post('/rights/code').type('form').send({ code: '123456' }),
      request(b.getHttpServer()).get('/rights/status/anything/export.json'),
    ];
    for (const pending of refusals) {
      const refused = await pending.expect(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.text).toContain('操作太频繁');
    }
    const [row] = await adminQuery<{ hits: number }>(
      adminUrl,
      'SELECT hits FROM privacy.rights_page_rate_limits',
    );
    expect(Number(row.hits)).toBe(LIMIT + 3);
  });

  it('stores only a keyed hash of the client address, never the address', async () => {
    const rows = await adminQuery<{ key_hash: string }>(
      adminUrl,
      'SELECT key_hash FROM privacy.rights_page_rate_limits',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    const dump = JSON.stringify(await adminQuery(adminUrl, 'SELECT * FROM privacy.rights_page_rate_limits'));
    expect(dump).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
  });

  it('gives a new window a fresh budget', async () => {
    await adminQuery(
      adminUrl,
      "UPDATE privacy.rights_page_rate_limits SET window_start = window_start - interval '5 minutes'",
    );
    await request(b.getHttpServer()).get('/rights').expect(200);
    const [row] = await adminQuery<{ hits: number }>(
      adminUrl,
      'SELECT hits FROM privacy.rights_page_rate_limits',
    );
    expect(Number(row.hits)).toBe(1);
  });

  it('purges windows that ended more than one window ago and keeps the current one', async () => {
    await adminQuery(
      adminUrl,
      `INSERT INTO privacy.rights_page_rate_limits (key_hash, window_start, hits)
       VALUES (repeat('a', 64), now() - interval '10 minutes', 3)`,
    );
    const repository = new RightsPageRateLimitRepository(a.get<DataSource>(PRIVACY_DB).manager);
    expect(await repository.purgeOlderThan(120)).toBe(1);
    const left = await adminQuery<{ key_hash: string }>(
      adminUrl,
      'SELECT key_hash FROM privacy.rights_page_rate_limits',
    );
    expect(left).toHaveLength(1);
    expect(left[0].key_hash).not.toBe('a'.repeat(64));
  });
});

describe('rights page rate limit without its key', () => {
  it('fails the request rather than count a plaintext address when PRIVACY_BLIND_INDEX_KEY is missing', async () => {
    const adminUrl = await createTestDatabase('privratenokey');
    const ref = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          brandId: 'demo',
        }),
      ],
    }).compile();
    const app = ref.createNestApplication({ logger: false });
    installHttpEdge(app, testAuthKeys());
    await app.init();
    try {
      await request(app.getHttpServer()).get('/rights').expect(500);
      expect(await adminQuery(adminUrl, 'SELECT * FROM privacy.rights_page_rate_limits')).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
