import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { verifyAccessToken, type AuthKeys } from '@siyu/auth';
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

describe('API keys for machine callers', () => {
  const keys = testAuthKeys();
  let adminUrl: string;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    adminUrl = await createTestDatabase('idkeys');
    app = await startIdentity(adminUrl, keys);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function createKey(name = 'tmall-push') {
    const res = await http()
      .post('/api/v1/identity/api-keys')
      .set('Authorization', await bearer(keys, 'admin'))
      .send({ name, role: 'platform' });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string; role: string; key: string };
  }
  const exchange = (key?: string) => {
    const req = http().post('/api/v1/identity/tokens');
    return key === undefined ? req : req.set('X-Api-Key', key);
  };
  const revoke = async (id: string) =>
    http()
      .delete(`/api/v1/identity/api-keys/${id}`)
      .set('Authorization', await bearer(keys, 'admin'));

  it('an admin creates a key shown once as sk_ + 32 random bytes (base64url)', async () => {
    const created = await createKey('jd-push');
    expect(created).toEqual({
      id: expect.any(String),
      name: 'jd-push',
      role: 'platform',
      grantId: null,
      key: expect.stringMatching(/^sk_[A-Za-z0-9_-]{43}$/),
    });
    expect(Buffer.from(created.key.slice(3), 'base64url')).toHaveLength(32);

    const list = await http()
      .get('/api/v1/identity/api-keys')
      .set('Authorization', await bearer(keys, 'admin'));
    expect(list.body.find((k: { id: string }) => k.id === created.id)).toEqual({
      id: created.id,
      name: 'jd-push',
      role: 'platform',
      createdAt: expect.any(String),
      lastUsedAt: null,
      grantId: null,
      revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(created.key.slice(3));
  });

  it('a key buys a 15-minute machine token with role platform whose subject is the key id', async () => {
    const created = await createKey();
    const res = await exchange(created.key);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
    expect(await verifyAccessToken(keys, res.body.token)).toEqual({
      id: created.id,
      kind: 'machine',
      role: 'platform',
    });
    const { exp, iat } = decodeJwt(res.body.token);
    expect(exp! - iat!).toBe(15 * 60);
  });

  it('a revoked key gets no token', async () => {
    const created = await createKey();
    expect((await exchange(created.key)).status).toBe(200);

    expect((await revoke(created.id)).status).toBe(204);
    const res = await exchange(created.key);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_API_KEY');
  });

  it('revoking twice is harmless; revoking an unknown key is 404', async () => {
    const created = await createKey();
    expect((await revoke(created.id)).status).toBe(204);
    expect((await revoke(created.id)).status).toBe(204);
    const unknown = await revoke(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('API_KEY_NOT_FOUND');
  });

  it('unknown, malformed and missing keys all get the same 401', async () => {
    const unknown = await exchange(`sk_${Buffer.alloc(32, 7).toString('base64url')}`);
    const malformed = await exchange('not-a-key');
    const missing = await exchange();
    for (const res of [unknown, malformed, missing]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unknown.body);
    }
    expect(unknown.body.code).toBe('INVALID_API_KEY');
  });

  it('the database holds only the SHA-256 of a key, never the key', async () => {
    const created = await createKey();
    await exchange(created.key);
    const rows = await adminQuery<{ row: Record<string, unknown> }>(
      adminUrl,
      'SELECT to_jsonb(k) AS row FROM identity.api_keys k',
    );
    const dump = JSON.stringify(rows);

    expect(dump).not.toContain(created.key);
    expect(dump).not.toContain(created.key.slice(3));
    const mine = rows.find((r) => r.row.id === created.id)!.row;
    expect(mine.key_sha256).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(mine.last_used_at).not.toBeNull();
  });

  describe('refuses invalid bodies with 400 naming the field', () => {
    it.each([
      { what: 'a staff role for a machine', body: { name: 'x', role: 'admin' }, field: 'role' },
      { what: 'a missing role', body: { name: 'x' }, field: 'role' },
      { what: 'an empty name', body: { name: '   ', role: 'platform' }, field: 'name' },
    ])('$what → $field', async ({ body, field }) => {
      const res = await http()
        .post('/api/v1/identity/api-keys')
        .set('Authorization', await bearer(keys, 'admin'))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('a key id that is not a uuid → id', async () => {
      const res = await http()
        .delete('/api/v1/identity/api-keys/not-a-uuid')
        .set('Authorization', await bearer(keys, 'admin'));
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['id']);
    });
  });
});
