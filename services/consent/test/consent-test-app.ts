import { randomInt, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { type AuthKeys } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import type { Channel, Purpose } from '@siyu/contracts';
import { generateSecretsEnv, loadTokenSigner, type TokenSigner } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { ConsentModule } from '../src/consent.module';
import type { NoticeLocale } from '../src/notices/notice';
import { signPreferenceLink } from '../src/preferences/preference-link';

export const BRAND = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };

/** The consent service alone, on a fresh database, as the e2e and browser tests use it. */
export interface ConsentTestApp {
  app: INestApplication;
  http: App;
  adminUrl: string;
  authKeys: AuthKeys;
  secrets: Record<string, string>;
  invitations: TokenSigner;
  unsubscribe: TokenSigner;
  /** Set when started with `listen: true` (for a real browser). */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startConsentApp(
  options: { env?: Record<string, string>; listen?: boolean; adminUrl?: string } = {},
): Promise<ConsentTestApp> {
  // `adminUrl` restarts consent on an existing database (e.g. with other keys).
  const adminUrl = options.adminUrl ?? (await createTestDatabase('consent'));
  const authKeys = testAuthKeys();
  const secrets = generateSecretsEnv();
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConsentModule.register({
        adminDatabaseUrl: adminUrl,
        transport: new InProcessTransport(3),
        env: { ...secrets, ...options.env },
        brand: BRAND,
        publicBaseUrl: 'http://127.0.0.1:3002',
        watermarkIntervalMs: 60_000,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
  installHttpEdge(app, authKeys);
  await app.init();
  let baseUrl = '';
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    app,
    http: app.getHttpServer(),
    adminUrl,
    authKeys,
    secrets,
    invitations: loadTokenSigner(secrets, 'INVITE'),
    unsubscribe: loadTokenSigner(secrets, 'UNSUBSCRIBE'),
    baseUrl,
    close: () => app.close(),
  };
}

/** A parcel-card token as orders mints it (`{o, b}`, purpose qr-invite). */
export function inviteToken(t: ConsentTestApp, orderRef = randomUUID(), brandId = BRAND.id): string {
  return t.invitations.sign({ o: orderRef, b: brandId }, { purpose: 'qr-invite', expiresInSeconds: 3600 });
}

export function unsubscribeToken(t: ConsentTestApp, subjectRef: string, channel: Channel, purpose: Purpose) {
  return t.unsubscribe.sign(
    { s: subjectRef, b: BRAND.id, c: channel, u: purpose },
    { purpose: 'unsubscribe', expiresInSeconds: 3600 },
  );
}

export function preferenceToken(t: ConsentTestApp, subjectRef: string, brandId = BRAND.id): string {
  return signPreferenceLink(t.unsubscribe, { subjectRef, brandId });
}

/** A fresh valid mainland mobile number per call. */
export function freshPhone(): string {
  return `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

export function nonceIn(html: string): string {
  const m = /name="nonce" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('page has no nonce field');
  return m[1];
}

/** The hidden fields an agree form sends back: the locale and notice hash the page showed (R5). */
export function shownNoticeIn(html: string): { lang: string; notice: string } {
  const lang = /name="lang" value="([^"]+)"/.exec(html)?.[1];
  const notice = /name="notice" value="([0-9a-f]{64})"/.exec(html)?.[1];
  if (!lang || !notice) throw new Error('page has no shown-notice fields');
  return { lang, notice };
}

/** The current notice of a locale as a page shows it, for callers of the grant use cases. */
export async function currentShownNotice(
  t: ConsentTestApp,
  locale: NoticeLocale = 'zh-CN',
): Promise<{ locale: NoticeLocale; contentHash: string }> {
  const [row] = await adminQuery<{ content_hash: string }>(
    t.adminUrl,
    'SELECT content_hash FROM consent.notices WHERE locale = $1 ORDER BY version DESC LIMIT 1',
    [locale],
  );
  return { locale, contentHash: row.content_hash };
}

export async function lastCode(adminUrl: string): Promise<string> {
  const [row] = await adminQuery<{ body: string }>(
    adminUrl,
    'SELECT body FROM consent.sandbox_sms ORDER BY id DESC LIMIT 1',
  );
  return /验证码(\d{6})/.exec(row.body)![1];
}

/** Door 2 through the pages with supertest; returns the subject ref the grant was recorded for. */
export async function consentThroughQr(
  t: ConsentTestApp,
  phone: string,
  choice: { purposes: Purpose[]; channels: Channel[] } = {
    purposes: ['marketing_messages', 'purchase_history'],
    channels: ['sms', 'wechat'],
  },
  orderRef = randomUUID(),
): Promise<string> {
  const token = inviteToken(t, orderRef);
  const landing = await request(t.http).get(`/q/${token}`).expect(200);
  const agreePage = await request(t.http)
    .post(`/q/${token}/code`)
    .type('form')
    .send({ phone, nonce: nonceIn(landing.text) })
    .expect(200);
  const form = new URLSearchParams({
    phone,
    code: await lastCode(t.adminUrl),
    nonce: nonceIn(agreePage.text),
    ...shownNoticeIn(agreePage.text),
  });
  for (const p of choice.purposes) form.append('purposes', p);
  for (const c of choice.channels) form.append('channels', c);
  form.append('agree', 'yes');
  const done = await request(t.http).post(`/q/${token}/agree`).type('form').send(form.toString()).expect(200);
  expect(done.text).toContain('已加入');
  const [row] = await adminQuery<{ subject_ref: string }>(
    t.adminUrl,
    `SELECT subject_ref FROM consent.ledger WHERE evidence->>'orderRef' = $1`,
    [orderRef],
  );
  return row.subject_ref;
}
