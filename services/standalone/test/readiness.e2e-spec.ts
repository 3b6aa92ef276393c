import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { withObservability } from '@siyu/observability';
import { createTestDatabase, testAuthKeys } from '@siyu/testing';
import { OutreachModule } from '../../outreach/src/outreach.module';

/** Outreach on its own, as its container runs it, with no consent service publishing heartbeats. */
describe('outreach readiness', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const authKeys = testAuthKeys();
    const moduleRef = await Test.createTestingModule({
      imports: [
        withObservability(
          OutreachModule.register({
            adminDatabaseUrl: await createTestDatabase('ready'),
            transport: new InProcessTransport(3),
            env: generateSecretsEnv(),
            brand: { id: 'demo', signature: '示例品牌' },
            publicBaseUrl: 'http://127.0.0.1:3002',
          }),
        ),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    installHttpEdge(app, authKeys);
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is live but not ready to send while no consent watermark shows its projection is current', async () => {
    await request(app.getHttpServer()).get('/api/v1/health').expect(200);
    const ready = await request(app.getHttpServer()).get('/api/v1/health/ready').expect(503);
    expect(ready.body.status).toBe('error');
    expect(ready.body.error['outreach.consent-watermark']).toMatchObject({
      status: 'down',
      oldestWatermarkAgeSeconds: null,
      message: 'consent projection not known to be current: sends pause',
    });
    // The rest of the service is fine: the answer says exactly what is wrong.
    expect(ready.body.details['outreach.database']).toEqual({ status: 'up' });
    expect(ready.body.details['outreach.outbox']).toMatchObject({ status: 'up', backlog: 0 });
  });

  it('serves /metrics without a token, with the outbox gauges of the service', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.text).toMatch(/siyu_outbox_backlog\{service="outreach"\} 0/);
    expect(res.text).toContain('siyu_process_');
  });
});
