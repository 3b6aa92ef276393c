import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';

const keys = testAuthKeys();

describe('distinct-individuals count: thresholds and warnings (R19)', () => {
  let app: INestApplication;
  const transport = new InProcessTransport();
  const announced: string[] = [];
  const asked: { countId: string; brandId: string }[] = [];

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('privcount');
    await transport.subscribe('test.services', [TOPICS.privacyIndividualsCountRequested], async (m) => {
      asked.push(JSON.parse(m.value));
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          brandId: 'demo',
          answeringServices: ['consent', 'orders', 'audience'],
          announce: (line) => announced.push(line),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
  });
  afterAll(() => app?.close());

  const answer = (countId: string, service: string, populations: [string, number][]) =>
    transport.publish([
      {
        topic: TOPICS.privacyIndividualsCounted,
        key: countId,
        value: JSON.stringify({
          eventId: randomUUID(),
          type: 'privacy.individuals-counted.v1',
          schemaVersion: 1,
          occurredAt: new Date().toISOString(),
          countId,
          service,
          populations: populations.map(([population, individuals]) => ({ population, individuals })),
        }),
      },
    ]);

  it('asks only the services that hold people of their own, and warns once the walls may hold 1,000,000', async () => {
    const officer = await bearer(keys, 'privacy_officer');
    const started = await request(app.getHttpServer())
      .post('/api/v1/privacy/individuals-count')
      .set('Authorization', officer)
      .expect(201);
    const { countId } = started.body;
    await waitFor(async () => asked.find((a) => a.countId === countId), 'the count request event');
    expect(asked.find((a) => a.countId === countId)).toMatchObject({ brandId: 'demo' });

    await answer(countId, 'consent', [['consent_subjects', 600_000]]);
    await answer(countId, 'audience', [['members', 999_999]]); // not asked: ignored
    const partial = await waitFor(async () => {
      const r = await request(app.getHttpServer())
        .get('/api/v1/privacy/individuals-count')
        .set('Authorization', officer);
      return r.body.services?.length === 1 ? r.body : undefined;
    }, 'the consent answer');
    expect(partial).toMatchObject({ complete: false, waitingFor: ['orders'] });
    expect(announced.filter((l) => l.includes('R19'))).toEqual([]);

    await answer(countId, 'orders', [
      ['buyers', 450_000],
      ['receivers', 500_000],
    ]);
    const done = await waitFor(async () => {
      const r = await request(app.getHttpServer())
        .get('/api/v1/privacy/individuals-count')
        .set('Authorization', officer);
      return r.body.complete ? r.body : undefined;
    }, 'the complete count');
    expect(done).toMatchObject({
      lowerBound: 600_000,
      upperBound: 1_550_000,
      thresholds: [
        { threshold: 1_000_000, status: 'possibly_reached' },
        { threshold: 10_000_000, status: 'below' },
      ],
    });
    expect(announced.filter((l) => l.includes('R19'))).toEqual([
      'privacy: R19 warning — distinct individuals may have reached 1,000,000 (between 600000 and 1550000)',
    ]);
  });
});
