import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { ConsentModule } from '../src/consent.module';

export const BRAND = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
export const SHOP_ID = 'tm-1001';

/**
 * The consent service alone, listening on a real port so fake vendors can call it over HTTP, with
 * every inbound channel configured (membership shop secret and agreements, SMS tokens, WeChat token).
 */
export interface WebhookTestApp {
  app: INestApplication;
  baseUrl: string;
  adminUrl: string;
  env: Record<string, string>;
  /** Every event published by consent, in order. */
  events: { type: string; [k: string]: unknown }[];
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Waits until the relay has published `count` events of `type` for the subject. */
  eventsFor(subjectRef: string, type: string, count?: number): Promise<Record<string, any>[]>;
  close(): Promise<void>;
}

export async function startWebhookApp(): Promise<WebhookTestApp> {
  const adminUrl = await createTestDatabase('consenthooks');
  const authKeys = testAuthKeys();
  const env = {
    ...generateSecretsEnv(),
    MEMBERSHIP_WEBHOOK_SECRETS: `${SHOP_ID}:${randomBytes(24).toString('base64')},other-shop:${randomBytes(24).toString('base64')}`,
    MEMBERSHIP_AGREEMENTS: JSON.stringify({
      [SHOP_ID]: {
        '3': { purposes: ['marketing_messages'], channels: ['sms'] },
        '4': { purposes: ['marketing_messages', 'purchase_history'], channels: ['sms', 'wechat'] },
        '5': { purposes: ['marketing_messages'], channels: ['sms'], expiresAfterDays: 30 },
      },
    }),
    ALIYUN_SMS_REPLY_TOKEN: randomBytes(24).toString('base64url'),
    TENCENT_SMS_REPLY_TOKEN: randomBytes(24).toString('base64url'),
    WECHAT_TOKEN: randomBytes(16).toString('hex'),
  };
  const transport = new InProcessTransport(3);
  const events: WebhookTestApp['events'] = [];
  const spied = [TOPICS.consentGranted, TOPICS.consentWithdrawn, TOPICS.consentWechatSendResult];
  await transport.subscribe('test-spy', spied, async (m) => {
    const event = JSON.parse(m.value);
    if (event.type !== 'consent.watermark.v1') events.push(event);
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConsentModule.register({
        adminDatabaseUrl: adminUrl,
        transport,
        env,
        brand: BRAND,
        publicBaseUrl: 'http://127.0.0.1:3002',
        watermarkIntervalMs: 60_000,
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
  installHttpEdge(app, authKeys);
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const query = <T = Record<string, any>>(sql: string, params: unknown[] = []) =>
    adminQuery<T>(adminUrl, sql, params);
  return {
    app,
    baseUrl,
    adminUrl,
    env,
    events,
    query,
    eventsFor: async (subjectRef, type, count = 1) =>
      (await waitFor(async () => {
        const found = events.filter((e) => e.type === type && e.subjectRef === subjectRef);
        return found.length >= count ? found : null;
      }, `${count} × ${type} for ${subjectRef}`))!,
    close: () => app.close(),
  };
}

export function shopSecret(t: WebhookTestApp, shopId = SHOP_ID): string {
  const entry = t.env.MEMBERSHIP_WEBHOOK_SECRETS.split(',').find((e) => e.startsWith(`${shopId}:`))!;
  return entry.slice(shopId.length + 1);
}
