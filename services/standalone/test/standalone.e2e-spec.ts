import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { createTestDatabase, testAuthKeys } from '@siyu/testing';
import { StandaloneModule } from '../src/standalone.module';
import { spyOnEvents, walkingSkeleton, type SkeletonHarness } from './walking-skeleton.flow';

describe('walking skeleton in standalone (one process, in-process transport)', () => {
  let app: INestApplication;
  let harness: SkeletonHarness;
  let events: string[];
  const announced: string[] = [];

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('standalone');
    const authKeys = testAuthKeys();
    const secrets = generateSecretsEnv();
    const transport = new InProcessTransport(3);
    events = await spyOnEvents(transport, Object.values(TOPICS));
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: secrets,
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: (line) => announced.push(line),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error', 'warn'] });
    installHttpEdge(app, authKeys);
    await app.init();
    const server = app.getHttpServer();
    harness = {
      adminUrl,
      authKeys,
      secrets,
      http: { orders: server, consent: server, audience: server, outreach: server },
    };
  });

  afterAll(async () => {
    await app?.close();
  });

  it('imports, invites, consents, segments, sends, and after "no" sends nothing more', async () => {
    await walkingSkeleton(harness, events);
  });

  it('first start announces a one-time admin password that logs in', async () => {
    const line = announced.find((l) => /password/i.test(l));
    expect(line).toBeDefined();
    const password = /one-time password (\S+)/.exec(line!)?.[1];
    expect(password).toBeDefined();
    await request(app.getHttpServer())
      .post('/api/v1/identity/login')
      .send({ username: 'admin', password })
      .expect(200);
  });
});
