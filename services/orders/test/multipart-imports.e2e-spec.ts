import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { installHttpEdge } from '@siyu/http';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { OrdersModule } from '../src/orders.module';

// Multipart imports over a real socket: the Nest app listening on 127.0.0.1, bodies sent with
// node's fetch/FormData or built by hand and written in pieces (chunked, no Content-Length).

const FIXTURE = readFileSync(join(__dirname, 'fixtures', 'tmall-orders.csv'));
const MAX_FILE_BYTES = 6 * 1024 * 1024;
const HEADER =
  '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,宝贝标题,商家编码,宝贝总数量,订单备注';
const REMARK = '请尽快发货，谢谢'.repeat(20);
const generatedCsv = (rows: number, remark = REMARK) =>
  [
    HEADER,
    ...Array.from(
      { length: rows },
      (_, i) =>
        `77${String(i).padStart(17, '0')},buyer_${i % 500},${(i % 90) + 10}.00,卖家已发货，等待买家确认,张*,浙江省**,138****5678,2026-11-03 10:00:00,面霜,SKU-${i % 7},1,${remark}`,
    ),
  ].join('\r\n') + '\r\n';

interface Part {
  name: string;
  filename?: string;
  type?: string;
  body: string | Buffer;
}
const BOUNDARY = '----siyu-test-boundary-7d2f';
function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`;
    const type = p.type ? `\r\nContent-Type: ${p.type}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
const csvPart = (body: string | Buffer, name = 'file'): Part => ({
  name,
  filename: 'orders.csv',
  type: 'text/csv',
  body,
});

describe('multipart/form-data imports (real socket, real PostgreSQL)', () => {
  let app: INestApplication;
  let adminUrl: string;
  let base: string;
  let auth: string;
  const keys = testAuthKeys();

  beforeAll(async () => {
    adminUrl = await createTestDatabase('multipart');
    const moduleRef = await Test.createTestingModule({
      imports: [
        OrdersModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          env: { ...generateSecretsEnv(), IMPORT_UPLOAD_MAX_BYTES: String(MAX_FILE_BYTES) },
          publicBaseUrl: 'http://127.0.0.1:3000',
          brandId: 'siyu-tea',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false, rawBody: true });
    installHttpEdge(app, keys);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    auth = await bearer(keys, 'ops');
  });
  afterAll(() => app?.close());

  /** Writes the body in 64 KiB pieces; without `contentLength` it goes chunked, as a stream would. */
  const post = (
    path: string,
    body: Buffer,
    opts: { contentType?: string; contentLength?: boolean } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, {
        method: 'POST',
        headers: {
          Authorization: auth,
          'Content-Type': opts.contentType ?? `multipart/form-data; boundary=${BOUNDARY}`,
          ...(opts.contentLength ? { 'Content-Length': String(body.length) } : {}),
        },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      });
      // The server may answer (a refusal) before it read everything: that is not a client error.
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? undefined : reject(err)));
      let at = 0;
      const writeMore = () => {
        while (at < body.length) {
          const piece = body.subarray(at, at + 64 * 1024);
          at += piece.length;
          if (!req.write(piece)) return void req.once('drain', writeMore);
        }
        req.end();
      };
      writeMore();
    });
  const importPath = (shop: string) => `/api/v1/orders/imports?platform=tmall&shop=${shop}`;
  const count = async (sql: string, params: unknown[]) =>
    (await adminQuery<{ n: number }>(adminUrl, sql, params))[0].n;
  const ordersOf = (shop: string) =>
    count('SELECT count(*)::int AS n FROM orders.orders WHERE shop_id = $1', [shop]);
  const jobsOf = (shop: string) =>
    count('SELECT count(*)::int AS n FROM orders.import_jobs WHERE shop_id = $1', [shop]);

  it('answers and stores the warning of orders without item lines, for a raw body and a form upload', async () => {
    const report = readFileSync(join(__dirname, 'fixtures', 'youzan-order-report.csv'));
    const path = (shop: string) => `/api/v1/orders/imports?platform=youzan&shop=${shop}`;
    const raw = await post(path('mp-yz-raw'), report, { contentType: 'text/csv' });
    const form = await post(path('mp-yz-form'), multipart([csvPart(report)]));
    for (const answer of [raw, form]) {
      expect(answer.status).toBe(201);
      expect(answer.body.warnings).toEqual([
        expect.objectContaining({ code: 'ORDER_WITHOUT_LINES', rows: [4], rowCount: 1 }),
      ]);
      const stored = await fetch(`${base}/api/v1/orders/imports/${String(answer.body.importId)}`, {
        headers: { Authorization: auth },
      });
      expect(((await stored.json()) as { warnings: unknown }).warnings).toEqual(answer.body.warnings);
    }
  });

  it('imports the file part of a FormData upload with the same summary and job status as a raw body', async () => {
    const form = new FormData();
    form.append('file', new Blob([FIXTURE], { type: 'text/csv' }), '订单报表.csv');
    const res = await fetch(`${base}${importPath('shop-form')}`, {
      method: 'POST',
      headers: { Authorization: auth },
      body: form,
    });
    expect(res.status).toBe(201);
    const viaForm = (await res.json()) as Record<string, unknown>;

    const raw = await fetch(`${base}${importPath('shop-raw')}`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'text/csv' },
      body: FIXTURE,
    });
    expect(raw.status).toBe(201);
    const viaRaw = (await raw.json()) as Record<string, unknown>;
    const comparable = (s: Record<string, unknown>) => {
      const { importId: _id, shopId: _shop, ...rest } = s;
      return rest;
    };
    expect(viaForm).toMatchObject({ status: 'completed', shopId: 'shop-form', accepted: 4, rejectedRows: 3 });
    expect(comparable(viaForm)).toEqual(comparable(viaRaw));

    const job = await fetch(`${base}/api/v1/orders/imports/${viaForm.importId}`, {
      headers: { Authorization: auth },
    });
    expect(await job.json()).toEqual(viaForm);
    expect(await ordersOf('shop-form')).toBe(4);
  });

  it('streams a multi-megabyte file part sent in pieces without a Content-Length', async () => {
    const csv = Buffer.from(generatedCsv(7000));
    expect(csv.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(csv.length).toBeLessThan(MAX_FILE_BYTES);
    const res = await post(importPath('shop-big'), multipart([csvPart(csv)]));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'completed',
      rows: 7000,
      accepted: 7000,
      rejectedRows: 0,
      droppedColumns: expect.arrayContaining(['订单备注']),
    });
    expect(await ordersOf('shop-big')).toBe(7000);
  });

  it('takes a mapping field before the file for an export variant the layout does not know', async () => {
    const variant = FIXTURE.toString('utf8').replace('买家实际支付金额', '实收金额');
    const mapping = JSON.stringify({ columns: { amount: '实收金额' } });
    const res = await post(
      importPath('shop-mapped'),
      multipart([{ name: 'mapping', body: mapping }, csvPart(variant)]),
      { contentLength: true },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'completed', accepted: 4 });

    const withoutMapping = await post(importPath('shop-unmapped'), multipart([csvPart(variant)]));
    expect(withoutMapping).toMatchObject({ status: 422, body: { code: 'MISSING_COLUMNS' } });
  });

  it.each([
    [
      'no file part',
      () => multipart([{ name: 'mapping', body: '{}' }]),
      'MULTIPART_NO_FILE',
      'no file part: send the export as the part named file',
    ],
    [
      'the file as a text field',
      () => multipart([{ name: 'file', body: 'a,b\r\n' }]),
      'MULTIPART_NO_FILE',
      '"file" was sent as a text field: send the export as a file part (curl -F file=@orders.csv)',
    ],
    [
      'an unknown field',
      () => multipart([{ name: 'shop_note', body: 'x' }, csvPart(FIXTURE)]),
      'MULTIPART_UNKNOWN_FIELD',
      'unknown field "shop_note" (expected file and mapping)',
    ],
    [
      'a file part under another name',
      () => multipart([csvPart(FIXTURE, 'upload')]),
      'MULTIPART_UNKNOWN_FIELD',
      'unknown file part "upload": send the export as the part named file',
    ],
    [
      'a mapping that is not JSON',
      () => multipart([{ name: 'mapping', body: '{columns' }, csvPart(FIXTURE)]),
      'BAD_MAPPING_FILE',
      'mapping file: not valid JSON',
    ],
  ])('refuses %s with a precise 400 and writes nothing', async (_label, body, code, message) => {
    const shop = `shop-refused-${code.toLowerCase().replace(/_/g, '-')}`;
    const res = await post(importPath(shop), body(), { contentLength: true });
    expect(res).toEqual({ status: 400, body: { code, message } });
    expect(await jobsOf(shop)).toBe(0);
  });

  it('refuses two file parts', async () => {
    const res = await post(importPath('shop-two'), multipart([csvPart(FIXTURE), csvPart(FIXTURE)]));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'MULTIPART_TWO_FILES',
      message: 'send one file part per upload (named file)',
    });
  });

  it('refuses a body that is not multipart despite the header, and a header without a boundary', async () => {
    const raw = await post(importPath('shop-notmp'), FIXTURE, { contentLength: true });
    expect(raw).toEqual({
      status: 400,
      body: {
        code: 'MULTIPART_INVALID',
        message: 'the body is not well-formed multipart/form-data: Unexpected end of form',
      },
    });
    const noBoundary = await post(importPath('shop-notmp'), FIXTURE, { contentType: 'multipart/form-data' });
    expect(noBoundary).toEqual({
      status: 400,
      body: {
        code: 'MULTIPART_INVALID',
        message: 'the body is not well-formed multipart/form-data: Multipart: Boundary not found',
      },
    });
    expect(await jobsOf('shop-notmp')).toBe(0);
  });

  it('refuses a file part over the limit: at once when Content-Length says so, else when the limit is reached', async () => {
    // Few, wide rows: the import is cheap, the file large.
    const oversize = Buffer.from(generatedCsv(130, 'x'.repeat(50_000)));
    expect(oversize.length).toBeGreaterThan(MAX_FILE_BYTES);
    const tooLarge = {
      code: 'UPLOAD_TOO_LARGE',
      message: `the file part is larger than ${MAX_FILE_BYTES} bytes`,
    };

    const declared = await post(importPath('shop-huge-a'), multipart([csvPart(oversize)]), {
      contentLength: true,
    });
    expect(declared).toEqual({ status: 413, body: tooLarge });
    expect(await jobsOf('shop-huge-a')).toBe(0);

    const streamed = await post(importPath('shop-huge-b'), multipart([csvPart(oversize)]));
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatchObject(tooLarge);
    // Like a truncated export: the job says how far it got, and is failed.
    const [job] = await adminQuery<{ status: string; rows: number }>(
      adminUrl,
      "SELECT status, (summary->>'rows')::int AS rows FROM orders.import_jobs WHERE shop_id = 'shop-huge-b'",
      [],
    );
    expect(job.status).toBe('failed');
    expect(job.rows).toBeLessThan(130);
  });

  it('holds a raw-body upload to the same limit, declared or streamed', async () => {
    const oversize = Buffer.from(generatedCsv(130, 'x'.repeat(50_000)));
    const tooLarge = {
      code: 'UPLOAD_TOO_LARGE',
      message: `the export is larger than ${MAX_FILE_BYTES} bytes (IMPORT_UPLOAD_MAX_BYTES); split it by date range`,
    };
    const declared = await post(importPath('shop-huge-raw-a'), oversize, {
      contentType: 'text/csv',
      contentLength: true,
    });
    expect(declared).toEqual({ status: 413, body: tooLarge });
    expect(await jobsOf('shop-huge-raw-a')).toBe(0);

    const streamed = await post(importPath('shop-huge-raw-b'), oversize, { contentType: 'text/csv' });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatchObject(tooLarge);
    const [job] = await adminQuery<{ status: string; rows: number }>(
      adminUrl,
      "SELECT status, (summary->>'rows')::int AS rows FROM orders.import_jobs WHERE shop_id = 'shop-huge-raw-b'",
      [],
    );
    expect(job.status).toBe('failed');
    expect(job.rows).toBeLessThan(130);
  });

  it('lists an upload still streaming as a running job whose counts grow, then as completed', async () => {
    const lines = generatedCsv(7000).split('\r\n');
    const firstPart = Buffer.from(lines.slice(0, 4501).join('\r\n') + '\r\n');
    const rest = Buffer.from(lines.slice(4501).join('\r\n'));
    const jobs = async (query: string) => {
      const res = await fetch(`${base}/api/v1/orders/imports?${query}`, { headers: { Authorization: auth } });
      return { status: res.status, body: (await res.json()) as { imports: Record<string, unknown>[] } };
    };
    const answer = new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}${importPath('shop-watch')}`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'text/csv' },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(firstPart);
      // The rest only once ops can see the job running with the first chunk stored.
      void waitFor(
        async () => {
          const { body } = await jobs('shop=shop-watch&status=running');
          return body.imports.length === 1 && Number(body.imports[0].accepted) >= 2000;
        },
        'the running import listed with its first chunk',
        30_000,
      ).then(() => req.end(rest), reject);
    });
    expect(await answer).toBe(201);
    const done = await jobs('platform=tmall&shop=shop-watch');
    expect(done.status).toBe(200);
    expect(done.body.imports).toEqual([
      expect.objectContaining({ shopId: 'shop-watch', status: 'completed', rows: 7000, accepted: 7000 }),
    ]);
    expect(done.body.imports[0]).not.toHaveProperty('rejected');
  });

  it('answers 400 for a bad job-list filter and 403 to a marketer', async () => {
    for (const query of ['limit=0', 'limit=101', 'status=paused', 'platform=ebay', 'shop=bad%20shop']) {
      const res = await fetch(`${base}/api/v1/orders/imports?${query}`, { headers: { Authorization: auth } });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    const marketer = await fetch(`${base}/api/v1/orders/imports`, {
      headers: { Authorization: await bearer(keys, 'marketer') },
    });
    expect(marketer.status).toBe(403);
  });
});
