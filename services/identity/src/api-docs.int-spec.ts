import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { describeApi, undescribedOperations } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { createTestDatabase, testAuthKeys } from '@siyu/testing';
import { IdentityModule } from './identity.module';

describe('a service on its own serves its API description', () => {
  let app: INestApplication;
  const keys = testAuthKeys();

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('apidocs');
    const moduleRef = await Test.createTestingModule({
      imports: [IdentityModule.register({ adminDatabaseUrl: adminUrl, authKeys: keys })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    installHttpEdge(app, keys); // what main.ts does, in the same order
    describeApi(app, 'identity');
    await app.init();
  });

  afterAll(() => app?.close());

  it('answers /api-json with an OpenAPI 3 document whose every route is described, and /api/docs with the UI', async () => {
    const json = await request(app.getHttpServer()).get('/api-json').expect(200);
    expect(json.body.openapi).toMatch(/^3\./);
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/identity/login',
        '/api/v1/identity/accounts',
        '/api/v1/identity/api-keys',
      ]),
    );
    expect(undescribedOperations(json.body)).toEqual([]);
    expect(json.body.paths['/api/v1/identity/api-keys'].post['x-roles']).toEqual(['admin']);
    const ui = await request(app.getHttpServer()).get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });
});
