import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { type AuthKeys, type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { IdentityModule } from './identity.module';

/** Providers built (database provisioned, migrations run) but not bootstrapped yet. */
async function buildIdentity(
  adminUrl: string,
  keys: AuthKeys,
  announce?: (line: string) => void,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [IdentityModule.register({ adminDatabaseUrl: adminUrl, authKeys: keys, announce })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  installHttpEdge(app, keys);
  return app;
}

async function startIdentity(
  adminUrl: string,
  keys: AuthKeys,
  announce?: (line: string) => void,
): Promise<INestApplication> {
  const app = await buildIdentity(adminUrl, keys, announce);
  await app.init();
  return app;
}

const adminsIn = (adminUrl: string) =>
  adminQuery<{ username: string }>(
    adminUrl,
    "SELECT username FROM identity.staff_accounts WHERE role = 'admin'",
  );

const oneTimePassword = (line: string) => /one-time password (\S+)/.exec(line)?.[1] ?? '';

describe('identity first start', () => {
  const keys = testAuthKeys();

  it('creates exactly one admin and announces a one-time password that logs in', async () => {
    const adminUrl = await createTestDatabase('idfirst');
    const lines: string[] = [];
    const app = await startIdentity(adminUrl, keys, (line) => lines.push(line));
    try {
      expect(await adminsIn(adminUrl)).toEqual([{ username: 'admin' }]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('"admin"');
      expect(lines[0]).toContain('change it with POST /api/v1/identity/accounts/me/password');
      const password = oneTimePassword(lines[0]);
      expect(password.length).toBeGreaterThanOrEqual(24);

      const res = await request(app.getHttpServer())
        .post('/api/v1/identity/login')
        .send({ username: 'admin', password });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('admin');
    } finally {
      await app.close();
    }
  });

  it('does not create another admin nor announce again when started on the same database', async () => {
    const adminUrl = await createTestDatabase('idsecond');
    const first: string[] = [];
    await (await startIdentity(adminUrl, keys, (line) => first.push(line))).close();
    const second: string[] = [];
    const app = await startIdentity(adminUrl, keys, (line) => second.push(line));
    try {
      expect(first).toHaveLength(1);
      expect(second).toEqual([]);
      expect(await adminsIn(adminUrl)).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('uses a fresh random password on every new database, never a fixed default', async () => {
    const lines: string[] = [];
    for (const label of ['idrand1', 'idrand2']) {
      await (await startIdentity(await createTestDatabase(label), keys, (line) => lines.push(line))).close();
    }
    const [a, b] = lines.map(oneTimePassword);
    expect(a).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(a).not.toBe(b);
  });

  it('creates one admin when two identity processes start at once on an empty database', async () => {
    const adminUrl = await createTestDatabase('idrace');
    const lines: string[] = [];
    // Built one after the other (provisioning and migrations), then bootstrapped at the same moment.
    const first = await buildIdentity(adminUrl, keys, (line) => lines.push(line));
    const second = await buildIdentity(adminUrl, keys, (line) => lines.push(line));
    try {
      await Promise.all([first.init(), second.init()]);
      expect(lines).toHaveLength(1);
      expect(await adminsIn(adminUrl)).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('lets the first admin replace the one-time password; the one-time password then stops working', async () => {
    const lines: string[] = [];
    const app = await startIdentity(await createTestDatabase('idadminpw'), keys, (line) => lines.push(line));
    const http = () => request(app.getHttpServer());
    try {
      const oneTime = oneTimePassword(lines[0]);
      const { token } = (
        await http().post('/api/v1/identity/login').send({ username: 'admin', password: oneTime })
      ).body;
      const changed = await http()
        .post('/api/v1/identity/accounts/me/password')
        .set('Authorization', `Bearer ${token}`)
        .send({ currentPassword: oneTime, newPassword: 'an admin chosen password' });
      expect(changed.status).toBe(204);
      expect(
        (await http().post('/api/v1/identity/login').send({ username: 'admin', password: oneTime })).status,
      ).toBe(401);
      const login = await http()
        .post('/api/v1/identity/login')
        .send({ username: 'admin', password: 'an admin chosen password' });
      expect(login.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('who may call identity', () => {
  const keys = testAuthKeys();
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startIdentity(await createTestDatabase('idroles'), keys);
  });
  afterAll(async () => {
    await app?.close();
  });

  const adminRoutes = [
    {
      route: 'POST /accounts (create a staff account)',
      call: (auth?: string) =>
        withAuth(http().post('/api/v1/identity/accounts'), auth).send({
          username: `u${randomBytes(4).toString('hex')}`,
          role: 'ops',
          password: 'a long enough password',
        }),
      adminStatus: 201,
    },
    {
      route: 'GET /accounts',
      call: (auth?: string) => withAuth(http().get('/api/v1/identity/accounts'), auth),
      adminStatus: 200,
    },
    {
      route: 'POST /api-keys (create an API key)',
      call: (auth?: string) =>
        withAuth(http().post('/api/v1/identity/api-keys'), auth).send({
          name: 'tmall-push',
          role: 'platform',
        }),
      adminStatus: 201,
    },
    {
      route: 'GET /api-keys',
      call: (auth?: string) => withAuth(http().get('/api/v1/identity/api-keys'), auth),
      adminStatus: 200,
    },
    {
      route: 'DELETE /api-keys/:id (revoke an API key)',
      call: (auth?: string) => withAuth(http().delete(`/api/v1/identity/api-keys/${randomUUID()}`), auth),
      adminStatus: 404,
    },
  ];
  const notAdmin: Role[] = ['marketer', 'ops', 'privacy_officer', 'platform'];

  describe.each(adminRoutes)('$route', ({ call, adminStatus }) => {
    it.each(notAdmin)('is refused to %s with 403 ROLE_NOT_ALLOWED', async (role) => {
      const res = await call(await bearer(keys, role));
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
    });

    it('is refused without a token with 401', async () => {
      const res = await call();
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('TOKEN_MISSING');
    });

    it('is refused with a token signed by another key with 401', async () => {
      const res = await call(await bearer(testAuthKeys(), 'admin'));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('TOKEN_INVALID');
    });

    it('is allowed to an admin', async () => {
      const res = await call(await bearer(keys, 'admin'));
      expect(res.status).toBe(adminStatus);
    });
  });

  it('a machine token cannot change a staff password', async () => {
    const res = await withAuth(
      http().post('/api/v1/identity/accounts/me/password'),
      await bearer(keys, 'platform'),
    ).send({
      currentPassword: 'whatever it was',
      newPassword: 'something new and long',
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
  });

  it('login and token exchange need no bearer token', async () => {
    const login = await http()
      .post('/api/v1/identity/login')
      .send({ username: 'nobody', password: 'not a password' });
    expect(login.status).toBe(401);
    expect(login.body.code).toBe('INVALID_CREDENTIALS');
    const token = await http().post('/api/v1/identity/tokens').set('X-Api-Key', 'sk_nope');
    expect(token.status).toBe(401);
    expect(token.body.code).toBe('INVALID_API_KEY');
  });
});

function withAuth(req: request.Test, auth?: string): request.Test {
  return auth ? req.set('Authorization', auth) : req;
}
