import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { StandaloneModule } from '../src/standalone.module';

// Issue 9 §6: `__proto__` / `constructor` / `prototype` keys are refused once, at the HTTP edge
// (libs/auth installHttpEdge), for every route of every service — shown here over the routes Nest
// itself registered, read from each service module's route metadata, not from a hand-kept list.

interface BodyRoute {
  module: string;
  controller: string;
  handler: string;
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /** The @Body() parameter's class, when the handler declares one (else it reads the raw request). */
  dto: string | null;
}

const BODY_METHODS: Partial<Record<RequestMethod, BodyRoute['method']>> = {
  [RequestMethod.POST]: 'post',
  [RequestMethod.PUT]: 'put',
  [RequestMethod.PATCH]: 'patch',
  [RequestMethod.DELETE]: 'delete',
};

/** Every handler that can take a body, per module, from the metadata Nest routes by. */
function bodyRoutes(app: INestApplication): BodyRoute[] {
  const routes: BodyRoute[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '')[0];
      for (const handler of Object.getOwnPropertyNames(controller.prototype)) {
        const fn = (controller.prototype as Record<string, unknown>)[handler];
        if (handler === 'constructor' || typeof fn !== 'function') continue;
        const method = BODY_METHODS[Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod];
        const sub = Reflect.getMetadata(PATH_METADATA, fn) as string | string[] | undefined;
        if (!method || sub === undefined) continue;
        const args: Record<string, { index: number }> =
          Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {};
        const bodyArg = Object.entries(args).find(([key]) => key.startsWith(`${RouteParamtypes.BODY}:`));
        const types: unknown[] =
          Reflect.getMetadata('design:paramtypes', controller.prototype, handler) ?? [];
        const dto = bodyArg
          ? ((types[bodyArg[1].index] as { name?: string } | undefined)?.name ?? 'unknown')
          : null;
        const path = `/${[base, ([] as string[]).concat(sub)[0]].filter(Boolean).join('/')}`
          .replace(/\/+/g, '/')
          .replace(/(.)\/$/, '$1')
          .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
        routes.push({ module: mod.metatype.name, controller: controller.name, handler, method, path, dto });
      }
    }
  }
  return routes;
}

describe('reserved keys (__proto__, constructor, prototype) are refused at the HTTP edge of every service', () => {
  let app: INestApplication;
  let adminUrl: string;
  let routes: BodyRoute[];
  const authKeys = testAuthKeys();

  beforeAll(async () => {
    adminUrl = await createTestDatabase('reservedkeys');
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env: generateSecretsEnv(),
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: () => undefined,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, authKeys);
    await app.init();
    routes = bodyRoutes(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const send = (route: Pick<BodyRoute, 'method' | 'path'>, json: string, auth?: string) => {
    const req = request(app.getHttpServer())
      [route.method](route.path)
      .set('Content-Type', 'application/json');
    if (auth) req.set('Authorization', auth);
    return req.send(json);
  };

  it('finds the body-taking routes of all five services in their route metadata', () => {
    const modules = new Set(routes.map((r) => r.module));
    // Orders and consent declare their routes in feature modules (one per folder): one body-taking
    // feature module of each stands for its service.
    for (const m of [
      'IdentityModule',
      'ImportsModule',
      'MembershipModule',
      'AudienceModule',
      'OutreachModule',
    ])
      expect(modules).toContain(m);
    expect(routes.filter((r) => r.dto !== null).length).toBeGreaterThanOrEqual(10);
    expect(routes).toContainEqual(
      expect.objectContaining({
        path: '/api/v1/audience/segments',
        method: 'post',
        dto: 'CreateSegmentRequest',
      }),
    );
  });

  it('answers every one of them 400 naming the key for a top-level __proto__, and a harmless key not so', async () => {
    const answers: {
      route: string;
      dto: string | null;
      status: number;
      fields: string[];
      harmless: string[];
    }[] = [];
    for (const route of routes) {
      const bad = await send(route, '{"__proto__":{"polluted":true}}');
      const ok = await send(route, '{"protozoa":{"polluted":true}}');
      answers.push({
        route: `${route.method.toUpperCase()} ${route.path} (${route.controller}.${route.handler})`,
        dto: route.dto,
        status: bad.status,
        fields: (bad.body?.errors ?? []).map((e: { field: string }) => e.field),
        harmless: (ok.body?.errors ?? []).map((e: { field: string }) => e.field),
      });
    }
    for (const a of answers) {
      expect({ route: a.route, status: a.status, fields: a.fields }).toEqual({
        route: a.route,
        status: 400,
        fields: ['__proto__'],
      });
      expect({ route: a.route, harmless: a.harmless }).toEqual({
        route: a.route,
        harmless: expect.not.arrayContaining(['__proto__']),
      });
    }
  });

  it('refuses nested constructor and prototype keys with their paths, and stores no segment', async () => {
    const marketer = await bearer(authKeys, 'marketer');
    const segments = { method: 'post' as const, path: '/api/v1/audience/segments' };
    const count = async () =>
      (await adminQuery<{ n: number }>(adminUrl, 'SELECT count(*)::int AS n FROM audience.segments'))[0].n;
    const before = await count();
    const proto = await send(
      segments,
      '{"name":"VIP","purpose":"marketing_messages","channel":"sms","__proto__":{"isAdmin":true}}',
      marketer,
    );
    expect(proto.status).toBe(400);
    expect(proto.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: '__proto__', location: 'body' }],
    });
    expect(proto.body.message).toContain('"__proto__"');
    const nested = await send(
      segments,
      '{"name":"VIP","purpose":"marketing_messages","channel":"sms","tags":[{"constructor":{"prototype":{}}}],"x":{"prototype":1}}',
      marketer,
    );
    expect(nested.status).toBe(400);
    expect(nested.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'tags.0.constructor',
      'x.prototype',
    ]);
    expect(await count()).toBe(before);
    // The same body without the key is the ordinary create.
    const ok = await send(
      segments,
      '{"name":"VIP","purpose":"marketing_messages","channel":"sms"}',
      marketer,
    );
    expect(ok.status).toBe(201);
  });

  it('refuses them in a query string and in a form body too', async () => {
    const query = await request(app.getHttpServer())
      .get('/api/v1/orders/lookup?__proto__=x&phoneLast4=1234')
      .set('Authorization', await bearer(authKeys, 'ops'));
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([expect.objectContaining({ field: '__proto__', location: 'query' })]);
    const form = await request(app.getHttpServer())
      .post('/q/some-token/agree')
      .type('form')
      .send('agree=yes&purposes[constructor]=x');
    expect(form.status).toBe(400);
    expect(form.body.errors).toEqual([expect.objectContaining({ field: 'purposes.constructor' })]);
  });
});
