import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { installHttpEdge } from '@siyu/http';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';
import { PROCESSORS } from './processor-register';

const keys = testAuthKeys();

describe('processor register route (R15)', () => {
  let app: INestApplication;
  let http: App;
  let adminUrl: string;
  let officer: string;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('privproc');
    const moduleRef = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          brandId: 'demo',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
    http = app.getHttpServer();
    officer = await bearer(keys, 'privacy_officer');
  });
  afterAll(() => app?.close());

  it('lists every processor of the register, flagging each whose contract is not recorded yet', async () => {
    const res = await request(http)
      .get('/api/v1/privacy/processors')
      .set('Authorization', officer)
      .expect(200);
    expect(res.body.processors.map((p: { id: string }) => p.id)).toEqual(PROCESSORS.map((p) => p.id));
    const aliyun = res.body.processors.find((p: { id: string }) => p.id === 'aliyun-sms');
    expect(aliyun).toMatchObject({
      location: 'mainland China',
      dataCategories: ['contact_masked', 'message'],
      contract: null,
      contractMissing: true,
    });
    expect(aliyun.duties).toContain('return or delete the data when the entrustment ends, and confirm it');
  });

  it("records a processor's contract reference and the host's location, audited with the officer as actor", async () => {
    await request(http)
      .put('/api/v1/privacy/processors/hosting/contract')
      .set('Authorization', officer)
      .send({
        contractReference: 'DPA-2026-007',
        signedOn: '2026-03-01',
        location: 'Alibaba Cloud cn-shanghai',
      })
      .expect(200)
      .expect((r) =>
        expect(r.body).toMatchObject({
          id: 'hosting',
          location: 'Alibaba Cloud cn-shanghai',
          contract: { contractReference: 'DPA-2026-007', signedOn: '2026-03-01' },
          contractMissing: false,
        }),
      );
    const audit = await adminQuery<{ actor: string; action: string; subject: string }>(
      adminUrl,
      "SELECT actor, action, subject FROM privacy.audit_log WHERE action = 'processor.contract.recorded'",
    );
    expect(audit).toEqual([
      { actor: expect.any(String), action: 'processor.contract.recorded', subject: 'processor:hosting' },
    ]);
    expect(audit[0].actor).not.toBe('');
  });

  it('refuses an unknown processor, a date that is not a date, and anyone but the privacy officer', async () => {
    const unknown = await request(http)
      .put('/api/v1/privacy/processors/some-agency/contract')
      .set('Authorization', officer)
      .send({ contractReference: 'X', signedOn: '2026-03-01' })
      .expect(404);
    expect(unknown.body.code).toBe('PROCESSOR_NOT_FOUND');
    const badDate = await request(http)
      .put('/api/v1/privacy/processors/wecom/contract')
      .set('Authorization', officer)
      .send({ contractReference: 'X', signedOn: 'March' })
      .expect(400);
    expect(JSON.stringify(badDate.body)).toContain('signedOn');
    for (const role of ['marketer', 'ops', 'admin'] as const)
      await request(http)
        .get('/api/v1/privacy/processors')
        .set('Authorization', await bearer(keys, role))
        .expect(403);
    expect(
      await adminQuery(adminUrl, "SELECT 1 FROM privacy.processor_contracts WHERE processor_id = 'wecom'"),
    ).toEqual([]);
  });
});
