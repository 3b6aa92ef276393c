import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { readAudit, verifyAuditTrail } from '@siyu/audit';
import { type Role } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { ORDERS_DB, OrdersModule } from '../src/orders.module';

// Issue 9 §5 (R16): every attempt to read fulfilment PII — allowed or refused, at the role guard or
// in the use case — leaves an audit entry naming actor, purpose and outcome, never the PII.

const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,物流单号,物流公司,商家编码,宝贝总数量';
const RECEIVER = { name: '王小明', phone: '13987654321', address: '浙江省 杭州市 文三路188号' };
const PII = [RECEIVER.name, RECEIVER.phone, '文三路188号', 'tb_wang'];

describe('every attempt to read fulfilment PII is audited (R16)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let adminUrl: string;
  let orderRef: string;
  const keys = testAuthKeys();
  const transport = new InProcessTransport();
  const as = (role: Role, id?: string) => bearer(keys, role, id);

  beforeAll(async () => {
    adminUrl = await createTestDatabase('vaultaudit');
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrdersModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: generateSecretsEnv(),
          publicBaseUrl: 'http://127.0.0.1:3000',
          brandId: 'siyu-tea',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false, rawBody: true });
    installHttpEdge(app, keys);
    await app.init();
    ds = app.get<DataSource>(ORDERS_DB);
    const csv = [
      HEADER,
      `="5200000000000000001",tb_wang,88.00,交易成功,${RECEIVER.name},${RECEIVER.address},${RECEIVER.phone},2026-11-01 10:00:00,SF200,顺丰速运,SKU-1,1`,
    ].join('\r\n');
    const imported = await request(app.getHttpServer())
      .post('/api/v1/orders/imports?platform=tmall&shop=shop-audit')
      .set('Authorization', await as('ops'))
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(imported.status).toBe(201);
    [{ order_ref: orderRef }] = await adminQuery<{ order_ref: string }>(
      adminUrl,
      'SELECT order_ref FROM orders.orders WHERE shop_id = $1',
      ['shop-audit'],
    );
  });

  afterAll(async () => {
    await app?.close();
    await transport.disconnect();
  });

  const reveal = (ref: string, body: unknown, auth: string | null) => {
    const req = request(app.getHttpServer()).post(`/api/v1/orders/${ref}/reveal`);
    if (auth) req.set('Authorization', auth);
    return req.send(body as object);
  };

  const auditOf = async (subject: string) => readAudit(ds.manager, subject);

  it('audits a marketer refused at the role guard with actor, purpose and outcome refused', async () => {
    const before = (await auditOf(orderRef)).length;
    const res = await reveal(orderRef, { purpose: 'after_sales' }, await as('marketer', 'mkt-mia'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_NOT_ALLOWED');
    expect(JSON.stringify(res.body)).not.toContain(RECEIVER.name);
    const audit = await auditOf(orderRef);
    expect(audit).toHaveLength(before + 1);
    expect(audit.at(-1)).toMatchObject({
      actor: 'mkt-mia',
      action: 'reveal-receiver',
      purpose: 'after_sales',
      subject: orderRef,
      fields: ['receiver_name', 'receiver_phone', 'receiver_address'],
      outcome: 'refused',
    });
  });

  it('audits an admin refused at the guard too, and records a malformed purpose as such', async () => {
    await reveal(orderRef, { purpose: 'Give me <all>' }, await as('admin', 'admin-ann')).expect(403);
    expect((await auditOf(orderRef)).at(-1)).toMatchObject({
      actor: 'admin-ann',
      purpose: 'malformed',
      outcome: 'refused',
    });
  });

  it('audits ops asking for marketing as refused, in the use case', async () => {
    const res = await reveal(orderRef, { purpose: 'marketing' }, await as('ops', 'ops-oli'));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('PURPOSE_NOT_ALLOWED');
    expect((await auditOf(orderRef)).at(-1)).toMatchObject({
      actor: 'ops-oli',
      purpose: 'marketing',
      outcome: 'refused',
    });
  });

  it('audits ops revealing for shipping as allowed', async () => {
    const res = await reveal(orderRef, { purpose: 'shipping' }, await as('ops', 'ops-oli'));
    expect(res.status).toBe(200);
    expect(res.body.name).toBe(RECEIVER.name);
    expect((await auditOf(orderRef)).at(-1)).toMatchObject({
      actor: 'ops-oli',
      action: 'reveal-receiver',
      purpose: 'shipping',
      outcome: 'allowed',
    });
  });

  it('audits ops asking for an order that does not exist as refused', async () => {
    const unknown = randomUUID();
    await reveal(unknown, { purpose: 'after_sales' }, await as('ops', 'ops-oli')).expect(404);
    expect(await auditOf(unknown)).toEqual([
      expect.objectContaining({ actor: 'ops-oli', purpose: 'after_sales', outcome: 'refused' }),
    ]);
  });

  it('audits nothing for a caller without a valid token: no actor to name', async () => {
    const before = (await auditOf(orderRef)).length;
    await reveal(orderRef, { purpose: 'after_sales' }, null).expect(401);
    await reveal(orderRef, { purpose: 'after_sales' }, 'Bearer not-a-token').expect(401);
    expect(await auditOf(orderRef)).toHaveLength(before);
  });

  it('audits a marketer refused at the guard on the after-sales lookup, by what was searched, not its value', async () => {
    const res = await request(app.getHttpServer())
      .get(`/api/v1/orders/lookup?phone=${RECEIVER.phone}`)
      .set('Authorization', await as('marketer', 'mkt-max'));
    expect(res.status).toBe(403);
    expect((await auditOf('lookup:phone-full')).at(-1)).toMatchObject({
      actor: 'mkt-max',
      action: 'lookup-order:phone-full',
      purpose: 'after_sales',
      fields: ['receiver_phone'],
      outcome: 'refused',
    });
  });

  it('never writes the receiver, the searched phone or the buyer into any audit entry', async () => {
    const rows = await adminQuery<{ row: string }>(adminUrl, 'SELECT t::text AS row FROM orders.audit_log t');
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const dump = rows.map((r) => r.row).join('\n');
    for (const value of PII) expect(dump).not.toContain(value);
  });

  it('keeps the audit trail intact (R20)', async () => {
    expect(await verifyAuditTrail(ds.manager)).toMatchObject({ intact: true });
  });
});
