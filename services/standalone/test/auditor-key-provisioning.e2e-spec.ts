import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { VerifyAuditChainsOnSchedule } from '../../privacy/src/audit-chains/verify-audit-chains-on-schedule.use-case';
import { auditorKeyToProvision, loadOrCreateLocalSecrets } from '../src/local-state';
import { StandaloneModule } from '../src/standalone.module';

/**
 * Issue 13 (left-alone item): `npm start` generates an auditor API key into its secrets file and
 * identity registers it on first start, so scheduled audit-chain verification (R20) runs by default.
 * Built the way main.ts builds it: secrets from the data directory, the key to provision from them.
 */
describe('npm start provisions the auditor key: scheduled audit-chain verification is on by default', () => {
  const authKeys = testAuthKeys();
  const dataDir = mkdtempSync(join(tmpdir(), 'siyu-auditor-'));
  let adminUrl: string;
  const announced: string[] = [];

  async function start(): Promise<INestApplication> {
    const secrets = loadOrCreateLocalSecrets(dataDir);
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env: { ...secrets },
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: (line) => announced.push(line),
          provisionAuditorApiKey: auditorKeyToProvision(secrets, {}),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ rawBody: true, logger: ['error'] });
    installHttpEdge(app, authKeys);
    await app.listen(0, '127.0.0.1');
    return app;
  }

  beforeAll(async () => {
    adminUrl = await createTestDatabase('auditorprovision');
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('registers the generated key once, and the scheduled run verifies every chain with it', async () => {
    const app = await start();
    try {
      expect(announced.join('\n')).toContain('registered the auditor API key from the secrets file');
      expect(announced.join('\n')).not.toContain('scheduled audit-chain verification is off');
      const run = await app.get(VerifyAuditChainsOnSchedule, { strict: false }).execute();
      expect(run.problems).toEqual([]);
      expect(run.intact).toBe(true);
      const keys = await adminQuery<{ role: string; revoked_at: Date | null }>(
        adminUrl,
        "SELECT role, revoked_at FROM identity.api_keys WHERE role = 'auditor'",
      );
      expect(keys).toEqual([{ role: 'auditor', revoked_at: null }]);
    } finally {
      await app.close();
    }
  }, 120_000);

  it('a restart registers nothing new, and a key the admin revoked stays revoked', async () => {
    const app = await start();
    let keyId: string;
    try {
      const list = await request(app.getHttpServer())
        .get('/api/v1/identity/api-keys')
        .set('Authorization', await bearer(authKeys, 'admin'))
        .expect(200);
      const auditors = list.body.filter((k: { role: string }) => k.role === 'auditor');
      expect(auditors).toHaveLength(1);
      keyId = auditors[0].id;
      await request(app.getHttpServer())
        .delete(`/api/v1/identity/api-keys/${keyId}`)
        .set('Authorization', await bearer(authKeys, 'admin'))
        .expect(204);
    } finally {
      await app.close();
    }
    announced.length = 0;
    const again = await start();
    try {
      expect(announced.join('\n')).toContain('the provisioned auditor API key was revoked');
      const [row] = await adminQuery<{ revoked: boolean }>(
        adminUrl,
        'SELECT revoked_at IS NOT NULL AS revoked FROM identity.api_keys WHERE id = $1',
        [keyId],
      );
      expect(row.revoked).toBe(true);
      const run = await again.get(VerifyAuditChainsOnSchedule, { strict: false }).execute();
      expect(run.problems[0]).toContain('identity refused the auditor API key');
    } finally {
      await again.close();
    }
  }, 120_000);

  it('a key configured in the environment is used as it is: nothing is provisioned', () => {
    const secrets = loadOrCreateLocalSecrets(dataDir);
    expect(secrets.PRIVACY_AUDITOR_API_KEY).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(auditorKeyToProvision(secrets, { PRIVACY_AUDITOR_API_KEY: 'sk_from_the_admin' })).toBeUndefined();
    expect(auditorKeyToProvision(secrets, {})).toBe(secrets.PRIVACY_AUDITOR_API_KEY);
  });
});
