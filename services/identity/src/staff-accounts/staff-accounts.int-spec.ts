import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeJwt, jwtVerify } from 'jose';
import request from 'supertest';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, verifyAccessToken, type AuthKeys, type StaffRole } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { IdentityModule } from '../identity.module';

async function startIdentity(adminUrl: string, keys: AuthKeys): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [IdentityModule.register({ adminDatabaseUrl: adminUrl, authKeys: keys })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  installHttpEdge(app, keys);
  await app.init();
  return app;
}

describe('staff accounts', () => {
  const keys = testAuthKeys();
  let adminUrl: string;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('idstaff');
    app = await startIdentity(adminUrl, keys);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function createAccount(body: { username: string; role: StaffRole; password?: string }) {
    const res = await http()
      .post('/api/v1/identity/accounts')
      .set('Authorization', await bearer(keys, 'admin'))
      .send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string; username: string; role: StaffRole; generatedPassword?: string };
  }
  const logIn = (username: string, password: string) =>
    http().post('/api/v1/identity/login').send({ username, password });

  it('an admin creates an account with a chosen password, and that password logs in', async () => {
    const username = uniqueName('ops');
    const created = await createAccount({ username, role: 'ops', password: 'a chosen long password' });
    expect(created).toEqual({
      id: expect.any(String),
      username,
      role: 'ops',
      disabled: false,
      createdAt: expect.any(String),
    });

    const res = await logIn(username, 'a chosen long password');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String), role: 'ops' });
  });

  it('an account created without a password gets a strong generated one, returned once', async () => {
    const username = uniqueName('mkt');
    const created = await createAccount({ username, role: 'marketer' });
    expect(created.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect((await logIn(username, created.generatedPassword!)).status).toBe(200);

    const list = await http()
      .get('/api/v1/identity/accounts')
      .set('Authorization', await bearer(keys, 'admin'));
    expect(JSON.stringify(list.body)).not.toContain(created.generatedPassword);
  });

  it('login issues an 8-hour staff token that verifyAccessToken accepts with the account role', async () => {
    const username = uniqueName('po');
    const created = await createAccount({
      username,
      role: 'privacy_officer',
      password: 'privacy officer password',
    });
    const before = Math.floor(Date.now() / 1000);
    const res = await logIn(username, 'privacy officer password');

    expect(await verifyAccessToken(keys, res.body.token)).toEqual({
      id: created.id,
      kind: 'staff',
      role: 'privacy_officer',
    });
    const { exp, iat } = decodeJwt(res.body.token);
    expect(exp! - iat!).toBe(8 * 60 * 60);
    expect(exp!).toBeGreaterThanOrEqual(before + 8 * 60 * 60);
    expect(exp!).toBeLessThanOrEqual(before + 8 * 60 * 60 + 5);
    expect(new Date(res.body.expiresAt).getTime()).toBe(exp! * 1000);
    const afterExpiry = new Date((exp! + 1) * 1000);
    await expect(
      jwtVerify(res.body.token, keys.publicKey, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        currentDate: afterExpiry,
      }),
    ).rejects.toThrow(/exp/);
  });

  it('a wrong password and an unknown username get identical 401 bodies', async () => {
    const username = uniqueName('ops');
    await createAccount({ username, role: 'ops', password: 'the right password' });
    const wrongPassword = await logIn(username, 'not the right password');
    const unknownUser = await logIn(uniqueName('ghost'), 'not the right password');

    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: 'username or password is wrong',
    });
    expect(unknownUser.body).toEqual(wrongPassword.body);
  });

  it('an unknown username takes about as long as a wrong password (argon2 runs either way)', async () => {
    const username = uniqueName('ops');
    await createAccount({ username, role: 'ops', password: 'the right password' });
    const timed = async (attempt: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      await attempt();
      return Number(process.hrtime.bigint() - start);
    };
    const wrongPassword: number[] = [];
    const unknownUser: number[] = [];
    // Interleaved, so load from other test workers slows both kinds alike.
    for (let i = 0; i < 9; i++) {
      wrongPassword.push(await timed(() => logIn(username, 'not the right password')));
      unknownUser.push(await timed(() => logIn(uniqueName('ghost'), 'not the right password')));
    }
    const median = (times: number[]) => times.sort((a, b) => a - b)[4];
    // Without the dummy argon2 check an unknown user is answered about five times faster (ratio ~0.2);
    // with it the ratio is ~1, and ~0.55 under a fully loaded parallel run: 0.4 separates the two.
    expect(median(unknownUser) / median(wrongPassword)).toBeGreaterThan(0.4);
  });

  it('ten failed logins lock the username out from that address with 429, even for the right password', async () => {
    const username = uniqueName('ops');
    await createAccount({ username, role: 'ops', password: 'the right password' });
    for (let i = 0; i < 10; i++) expect((await logIn(username, `wrong guess ${i}`)).status).toBe(401);

    const locked = await logIn(username, 'the right password');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.body.details.retryAfterSeconds).toBeGreaterThan(14 * 60);

    const other = uniqueName('ops');
    await createAccount({ username: other, role: 'ops', password: 'the right password' });
    expect((await logIn(other, 'the right password')).status).toBe(200);
  });

  it('unknown usernames are locked out the same way, so lockout reveals nothing', async () => {
    const ghost = uniqueName('ghost');
    for (let i = 0; i < 10; i++) expect((await logIn(ghost, `wrong guess ${i}`)).status).toBe(401);
    expect((await logIn(ghost, 'wrong guess')).status).toBe(429);
  });

  it('usernames are case-insensitive: stored lowercased, log in in any case, and cannot be taken twice', async () => {
    const username = uniqueName('alice.ops');
    const created = await createAccount({
      username: username.toUpperCase(),
      role: 'ops',
      password: 'alice password 1',
    });
    expect(created.username).toBe(username);
    expect((await logIn(username.toUpperCase(), 'alice password 1')).status).toBe(200);

    const again = await http()
      .post('/api/v1/identity/accounts')
      .set('Authorization', await bearer(keys, 'admin'))
      .send({ username, role: 'marketer', password: 'another password 2' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('USERNAME_TAKEN');
  });

  it('lists accounts to an admin without password hashes', async () => {
    const username = uniqueName('ops');
    const created = await createAccount({ username, role: 'ops', password: 'the right password' });
    const res = await http()
      .get('/api/v1/identity/accounts')
      .set('Authorization', await bearer(keys, 'admin'));

    expect(res.status).toBe(200);
    const listed = res.body.find((a: { id: string }) => a.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      username,
      role: 'ops',
      disabled: false,
      createdAt: expect.any(String),
    });
    expect(
      res.body.some((a: { username: string; role: string }) => a.username === 'admin' && a.role === 'admin'),
    ).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|hash/i);
  });

  it('stores an argon2id hash, never the password', async () => {
    const username = uniqueName('ops');
    const password = `plaintext-${randomBytes(8).toString('hex')}`;
    await createAccount({ username, role: 'ops', password });
    const [row] = await adminQuery<{ row: Record<string, unknown> }>(
      adminUrl,
      'SELECT to_jsonb(s) AS row FROM identity.staff_accounts s WHERE username = $1',
      [username],
    );

    expect(row.row.password_hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(JSON.stringify(row.row)).not.toContain(password);
    const everything = await adminQuery<{ dump: string }>(
      adminUrl,
      "SELECT string_agg(to_jsonb(s)::text, '') AS dump FROM identity.staff_accounts s",
    );
    expect(everything[0].dump).not.toContain(password);
  });

  it('a staff member changes their own password with the current one; the old one stops working', async () => {
    const username = uniqueName('mkt');
    await createAccount({ username, role: 'marketer', password: 'first password here' });
    const { token } = (await logIn(username, 'first password here')).body;

    const res = await http()
      .post('/api/v1/identity/accounts/me/password')
      .set('Authorization', `Bearer ${token}`)
      .send({ currentPassword: 'first password here', newPassword: 'second password here' });
    expect(res.status).toBe(204);
    expect((await logIn(username, 'first password here')).status).toBe(401);
    expect((await logIn(username, 'second password here')).status).toBe(200);
  });

  it('changing a password is refused when the current password is wrong', async () => {
    const username = uniqueName('ops');
    await createAccount({ username, role: 'ops', password: 'first password here' });
    const { token } = (await logIn(username, 'first password here')).body;

    const res = await http()
      .post('/api/v1/identity/accounts/me/password')
      .set('Authorization', `Bearer ${token}`)
      .send({ currentPassword: 'a wrong current one', newPassword: 'second password here' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('CURRENT_PASSWORD_WRONG');
    expect((await logIn(username, 'first password here')).status).toBe(200);
  });

  it('a token that names no account cannot change a password', async () => {
    const res = await http()
      .post('/api/v1/identity/accounts/me/password')
      .set('Authorization', await bearer(keys, 'ops'))
      .send({ currentPassword: 'whatever it was', newPassword: 'something new and long' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ACCOUNT_UNAVAILABLE');
  });

  describe('refuses invalid bodies with 400 naming the field', () => {
    const cases: { what: string; path: string; body: Record<string, unknown>; field: string }[] = [
      {
        what: 'a password shorter than 12',
        path: 'accounts',
        body: { username: 'shorty', role: 'ops', password: 'elevenchars' },
        field: 'password',
      },
      {
        what: 'an unknown role',
        path: 'accounts',
        body: { username: 'rooty', role: 'superuser' },
        field: 'role',
      },
      {
        what: 'the machine role for a person',
        path: 'accounts',
        body: { username: 'botty', role: 'platform' },
        field: 'role',
      },
      {
        what: 'a one-letter username',
        path: 'accounts',
        body: { username: 'a', role: 'ops' },
        field: 'username',
      },
      {
        what: 'a username with spaces',
        path: 'accounts',
        body: { username: 'alice smith', role: 'ops' },
        field: 'username',
      },
      { what: 'a missing username', path: 'accounts', body: { role: 'ops' }, field: 'username' },
      {
        what: 'an unexpected field',
        path: 'accounts',
        body: { username: 'extra', role: 'ops', isAdmin: true },
        field: 'isAdmin',
      },
      { what: 'a login without password', path: 'login', body: { username: 'admin' }, field: 'password' },
      {
        what: 'a non-string username at login',
        path: 'login',
        body: { username: 42, password: 'x' },
        field: 'username',
      },
      {
        what: 'a new password shorter than 12',
        path: 'accounts/me/password',
        body: { currentPassword: 'whatever it was', newPassword: 'short' },
        field: 'newPassword',
      },
    ];

    it.each(cases)('$what → $field', async ({ path, body, field }) => {
      const res = await http()
        .post(`/api/v1/identity/${path}`)
        .set('Authorization', await bearer(keys, 'admin'))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});
