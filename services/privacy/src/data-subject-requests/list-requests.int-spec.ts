import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';

const keys = testAuthKeys();

describe("the privacy officer's worklist of data-subject requests (R14)", () => {
  let app: INestApplication;

  beforeAll(async () => {
    const transport = new InProcessTransport();
    await transport.ensureTopics([TOPICS.privacyAccessRequested, TOPICS.privacyErasureRequested]);
    const moduleRef = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: await createTestDatabase('privlist'),
          transport,
          brandId: 'demo',
          answeringServices: ['consent', 'orders'],
          announce: () => undefined,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
  });
  afterAll(async () => app?.close());

  it('lists logged requests newest first, with how many services were asked and answered, filtered by status', async () => {
    const officer = await bearer(keys, 'privacy_officer');
    const first = randomUUID();
    const second = randomUUID();
    const a = await request(app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef: first, kind: 'access' })
      .expect(201);
    const b = await request(app.getHttpServer())
      .post('/api/v1/privacy/requests')
      .set('Authorization', officer)
      .send({ subjectRef: second, kind: 'erasure' })
      .expect(201);
    const open = await request(app.getHttpServer())
      .get('/api/v1/privacy/requests?status=open')
      .set('Authorization', officer)
      .expect(200);
    expect(open.body.map((r: { id: string }) => r.id)).toEqual([b.body.id, a.body.id]);
    expect(open.body[0]).toMatchObject({
      subjectRef: second,
      kind: 'erasure',
      correction: null,
      status: 'open',
      overdue: false,
      services: 2,
      answered: 0,
      completedAt: null,
    });
    const completed = await request(app.getHttpServer())
      .get('/api/v1/privacy/requests?status=completed')
      .set('Authorization', officer)
      .expect(200);
    expect(completed.body).toEqual([]);
  });

  it('is for the privacy officer only', async () => {
    await request(app.getHttpServer())
      .get('/api/v1/privacy/requests')
      .set('Authorization', await bearer(keys, 'marketer'))
      .expect(403);
  });
});
