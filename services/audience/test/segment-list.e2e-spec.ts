import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { type AuthKeys } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { AudienceModule } from '../src/audience.module';

describe('segment list: the saved segments, newest first, a page at a time (issue 12: the console list)', () => {
  let app: INestApplication;
  let http: App;
  let keys: AuthKeys;
  let marketer: string;

  beforeAll(async () => {
    keys = testAuthKeys();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AudienceModule.register({
          adminDatabaseUrl: await createTestDatabase('audseglist'),
          transport: new InProcessTransport(3),
          brandId: 'demo',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    installHttpEdge(app, keys);
    await app.init();
    http = app.getHttpServer();
    marketer = await bearer(keys, 'marketer', 'marketer-list');
  });
  afterAll(() => app?.close());

  const list = (query = '', auth = marketer) =>
    request(http).get(`/api/v1/audience/segments${query}`).set('Authorization', auth);
  const save = async (name: string) =>
    (
      await request(http)
        .post('/api/v1/audience/segments')
        .set('Authorization', marketer)
        .send({ name, purpose: 'marketing_messages', channel: 'sms', rule: null })
        .expect(201)
    ).body.id as string;

  it('pages through every saved segment newest first, each once, with its last materialised size', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await save(`list-${i}`));
    await request(http)
      .post(`/api/v1/audience/segments/${ids[4]}/materialize`)
      .set('Authorization', marketer)
      .expect(201);

    const first = await list('?limit=2').expect(200);
    expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['list-4', 'list-3']);
    expect(first.body.items[0]).toMatchObject({
      id: ids[4],
      purpose: 'marketing_messages',
      channel: 'sms',
      version: 1,
      size: 0,
      autoRefresh: true,
    });
    expect(first.body.items[0].materializedAt).toEqual(expect.any(String));
    expect(first.body.items[1]).toMatchObject({ version: 0, size: null, materializedAt: null });
    expect(first.body.items[0]).not.toHaveProperty('rule');

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: request.Response = await list(`?limit=2${after ? `&after=${after}` : ''}`).expect(200);
      seen.push(...page.body.items.map((s: { id: string }) => s.id));
      after = page.body.next;
    } while (after);
    expect(seen).toEqual([...ids].reverse());
  });

  it('refuses a bad limit or cursor by field, an unknown cursor with 404, and roles other than marketer/admin', async () => {
    const big = await list('?limit=500').expect(400);
    expect(big.body.errors.map((e: { field: string }) => e.field)).toEqual(['limit']);
    const bad = await list('?after=nope').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['after']);
    const unknown = await list(`?after=${randomUUID()}`).expect(404);
    expect(unknown.body.code).toBe('SEGMENT_NOT_FOUND');
    await list('', await bearer(keys, 'ops')).expect(403);
    await list('', await bearer(keys, 'admin')).expect(200);
  });
});
