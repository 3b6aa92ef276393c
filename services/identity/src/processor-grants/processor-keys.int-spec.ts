import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { verifyAccessToken } from '@siyu/auth';
import { TOPICS } from '@siyu/contracts';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { IdentityModule } from '../identity.module';

const MINUTE = 60_000;

describe('processor API keys bound to a grant (R15)', () => {
  const keys = testAuthKeys();
  const transport = new InProcessTransport();
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('idprocessor');
    const moduleRef = await Test.createTestingModule({
      imports: [IdentityModule.register({ adminDatabaseUrl: adminUrl, authKeys: keys, transport })],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
  });
  afterAll(() => app?.close());

  /** What privacy publishes when an officer issues a grant (publish resolves once identity committed it). */
  async function grantIssued(
    from: Date,
    until: Date,
    fields = ['member_ref_pseudonymised', 'segment_membership'],
  ) {
    const grantId = randomUUID();
    const event = {
      eventId: randomUUID(),
      type: 'privacy.processor-grant-issued.v1',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      grantId,
      brandId: 'demo',
      purpose: 'campaign_analytics',
      fields,
      validFrom: from.toISOString(),
      validUntil: until.toISOString(),
    };
    await transport.publish([
      { topic: TOPICS.privacyProcessorGrantIssued, key: grantId, value: JSON.stringify(event) },
    ]);
    return grantId;
  }
  async function grantEnded(grantId: string) {
    const event = {
      eventId: randomUUID(),
      type: 'privacy.processor-grant-ended.v1',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      grantId,
      brandId: 'demo',
      endedAt: new Date().toISOString(),
      reason: 'revoked',
    };
    await transport.publish([
      { topic: TOPICS.privacyProcessorGrantEnded, key: grantId, value: JSON.stringify(event) },
    ]);
  }
  const createKey = async (body: Record<string, unknown>) =>
    http()
      .post('/api/v1/identity/api-keys')
      .set('Authorization', await bearer(keys, 'admin'))
      .send({ name: 'xinghe-agency', ...body });
  const exchange = (key: string) => http().post('/api/v1/identity/tokens').set('X-Api-Key', key);

  it('a processor key needs a grant identity knows; other roles take none', async () => {
    expect((await createKey({ role: 'processor' })).body.code).toBe('GRANT_REQUIRED');
    const unknown = await createKey({ role: 'processor', grantId: randomUUID() });
    expect(unknown.status).toBe(409);
    expect(unknown.body.code).toBe('GRANT_UNKNOWN');
    const platform = await createKey({ role: 'platform', grantId: randomUUID() });
    expect(platform.status).toBe(400);
    expect(platform.body.code).toBe('GRANT_NOT_FOR_ROLE');
  });

  it("the agency's token carries the grant's id, purpose, fields and end, and expires no later than the grant", async () => {
    const until = new Date(Date.now() + 5 * MINUTE);
    const grantId = await grantIssued(new Date(Date.now() - MINUTE), until);
    const created = await createKey({ role: 'processor', grantId });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'processor', grantId });
    const res = await exchange(created.body.key).expect(200);
    const actor = await verifyAccessToken(keys, res.body.token);
    expect(actor).toEqual({
      id: created.body.id,
      kind: 'machine',
      role: 'processor',
      grant: {
        id: grantId,
        purpose: 'campaign_analytics',
        fields: ['member_ref_pseudonymised', 'segment_membership'],
        until: until.toISOString(),
      },
    });
    // The grant ends in 5 minutes, before the usual 15-minute token would.
    expect(decodeJwt(res.body.token).exp).toBe(Math.floor(until.getTime() / 1000));
    expect(res.body.expiresAt).toBe(new Date(Math.floor(until.getTime() / 1000) * 1000).toISOString());
  });

  it('after the grant ended no token is issued and no key can be bound to it', async () => {
    const grantId = await grantIssued(new Date(Date.now() - MINUTE), new Date(Date.now() + 60 * MINUTE));
    const created = await createKey({ role: 'processor', grantId });
    await exchange(created.body.key).expect(200);
    await grantEnded(grantId);
    const refused = await exchange(created.body.key).expect(409);
    expect(refused.body.code).toBe('PROCESSOR_GRANT_ENDED');
    expect((await createKey({ role: 'processor', grantId })).body.code).toBe('PROCESSOR_GRANT_ENDED');
  });

  it('before the grant starts the key buys no token', async () => {
    const grantId = await grantIssued(
      new Date(Date.now() + 60 * MINUTE),
      new Date(Date.now() + 120 * MINUTE),
    );
    const created = await createKey({ role: 'processor', grantId });
    const refused = await exchange(created.body.key).expect(403);
    expect(refused.body.code).toBe('PROCESSOR_GRANT_NOT_STARTED');
  });

  it('a token claiming role processor without a grant is no token', async () => {
    const { issueAccessToken } = await import('@siyu/auth');
    await expect(issueAccessToken(keys, { id: 'x', kind: 'machine', role: 'processor' }, 60)).rejects.toThrow(
      'a processor token needs its grant',
    );
  });
});
