import { readFileSync } from 'node:fs';
import { ReceiverLookupRepository } from '../src/vault/receiver-lookup.repository';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { generateSecretsEnv, loadBlindIndex, loadCryptoKeys } from '@siyu/crypto';
import { adminQuery, createTestDatabase } from '@siyu/testing';
import { ImportJobRepository } from '../src/imports/import-job.repository';
import { ImportOrders, type RejectedRow } from '../src/imports/import-orders.use-case';
import { ImportWorkerPool } from '../src/imports/import-worker-pool';
import type { ImportSummary } from '../src/imports/import-summary';
import { IngestOrderChunk } from '../src/imports/ingest-order-chunk';
import { OrderRepository } from '../src/order-book/order.repository';
import { RejectsCsv } from '../src/imports/rejects-csv';
import { openOrdersDataSource } from '../src/orders.database';
import { BuyerDataKeys } from '../src/vault/buyer-data-keys';
import { DataKeyRepository } from '../src/vault/data-key.repository';

// Platform exports through the real import use case on real PostgreSQL (issue §1, §2, §9).

const fixture = (platform: Platform) => readFileSync(join(__dirname, 'fixtures', `${platform}-orders.csv`));

async function xlsxOf(csvText: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('订单');
  for (const line of csvText
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter(Boolean))
    sheet.addRow(line.split(','));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// Every case runs twice: rows read on the importing thread, and cut into batches that real worker
// threads parse, screen, map and digest (issue 15) — same summaries, rejects and stored orders.
describe.each([
  { threads: 0, how: 'on the importing thread' },
  { threads: 2, how: 'on two worker threads' },
])('platform order exports, rows read $how (real PostgreSQL)', ({ threads }) => {
  let adminUrl: string;
  let ds: DataSource;
  let importOrders: ImportOrders;
  let workers: ImportWorkerPool;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('platformimports');
    ds = await openOrdersDataSource(adminUrl);
    const env = generateSecretsEnv();
    workers = new ImportWorkerPool(env.FULFILMENT_BLIND_INDEX_KEY!, threads);
    importOrders = new ImportOrders(
      ds,
      new ImportJobRepository(ds),
      new IngestOrderChunk(
        new OrderRepository(ds),
        new BuyerDataKeys(loadCryptoKeys(env, 'FULFILMENT'), new DataKeyRepository()),
        loadBlindIndex(env, 'FULFILMENT'),
        new ReceiverLookupRepository(),
      ),
      workers,
    );
  });

  afterAll(async () => {
    await workers?.destroy();
    await ds?.destroy();
  });

  const run = async (
    platform: Platform,
    shopId: string,
    bytes: Buffer | Buffer[],
    extra: { rejected?: RejectedRow[] } = {},
  ): Promise<ImportSummary> =>
    importOrders.execute({
      platform,
      shopId,
      requestedBy: 'test',
      source: (async function* () {
        yield* Array.isArray(bytes) ? bytes : [bytes];
      })(),
      onRejectedRow: (r) => extra.rejected?.push(r),
    });
  const refusal = async (platform: Platform, shopId: string, bytes: Buffer) =>
    run(platform, shopId, bytes).then(
      () => {
        throw new Error('not refused');
      },
      (err: { code: string; message: string; details?: Record<string, unknown> }) => err,
    );
  const count = async (sql: string, params: unknown[]) =>
    (await adminQuery<{ n: number }>(adminUrl, sql, params))[0].n;
  const ordersOf = (shop: string) =>
    count('SELECT count(*)::int AS n FROM orders.orders WHERE shop_id = $1', [shop]);
  const jobsOf = (shop: string) =>
    count('SELECT count(*)::int AS n FROM orders.import_jobs WHERE shop_id = $1', [shop]);
  const orderRow = async (shop: string, id: string) =>
    (
      await adminQuery<Record<string, unknown>>(
        adminUrl,
        `SELECT status, amount_cents::int AS amount, lines, tracking_number, source_modified_at, receiver_sealed
           FROM orders.orders WHERE shop_id = $1 AND platform_order_id = $2`,
        [shop, id],
      )
    )[0];

  it.each([
    ['jd', 3, 0],
    ['douyin', 3, 1],
    ['kuaishou', 2, 0],
    ['pinduoduo', 3, 0],
    ['youzan', 2, 0],
  ] as [Platform, number, number][])('imports a %s export: %i orders', async (platform, orders, merged) => {
    const shop = `shop-${platform}`;
    const summary = await run(platform, shop, fixture(platform));
    expect(summary).toMatchObject({
      status: 'completed',
      accepted: orders,
      mergedLines: merged,
      rejectedRows: 0,
    });
    expect(await ordersOf(shop)).toBe(orders);
    // Re-importing the same export adds nothing.
    expect(await run(platform, shop, fixture(platform))).toMatchObject({ accepted: 0, unchanged: orders });
    expect(await ordersOf(shop)).toBe(orders);
  });

  it('merges the 子订单 rows of a Douyin order into one order with two lines, ciphertexts sealed (R1)', async () => {
    await run('douyin', 'shop-douyin-lines', fixture('douyin'));
    const row = await orderRow('shop-douyin-lines', '6912345678901234567');
    // 订单应付金额 is the 子订单's own amount: the order's is their sum (issue 9 §2).
    expect(row).toMatchObject({
      status: 'shipped',
      amount: 31200,
      lines: [
        { sku: 'SKU-TEA-01', quantity: 1, amountCents: 25600 },
        { sku: 'SKU-TEA-03', quantity: 2, amountCents: 5600 },
      ],
    });
    const dump = JSON.stringify(
      await adminQuery(adminUrl, `SELECT o::text FROM orders.orders o WHERE shop_id = 'shop-douyin-lines'`),
    );
    for (const personal of [
      '#Rk9PYmFy5byg5LiJ#',
      '$MTg4MDAwMDExMTE=$',
      '18877771111-123',
      '13912345678',
      '科技园路8号',
    ])
      expect({ personal, found: dump.includes(personal) }).toEqual({ personal, found: false });
  });

  it('stores and publishes a Douyin order of three 子订单 with the sum of their 订单应付金额, each line keeping its own', async () => {
    const [header, first] = fixture('douyin')
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/);
    const h = header.split(',');
    const sub = (id: string, sku: string, quantity: string, amount: string) => {
      const cells = first.split(',');
      cells[h.indexOf('主订单编号')] = '6920000000000000001';
      cells[h.indexOf('子订单编号')] = id;
      cells[h.indexOf('商家编码')] = sku;
      cells[h.indexOf('商品数量')] = quantity;
      cells[h.indexOf('订单应付金额')] = amount;
      return cells.join(',');
    };
    const csv = [
      header,
      sub('6920000000000000002', 'SKU-A', '1', '156.06'),
      sub('6920000000000000003', 'SKU-B', '1', '266.31'),
      sub('6920000000000000004', 'SKU-C', '2', '375.63'),
    ].join('\n');
    const summary = await run('douyin', 'shop-douyin-three', Buffer.from(csv));
    expect(summary).toMatchObject({ accepted: 1, mergedLines: 2, rejectedRows: 0 });
    expect(await orderRow('shop-douyin-three', '6920000000000000001')).toMatchObject({
      amount: 79800,
      lines: [
        { sku: 'SKU-A', quantity: 1, amountCents: 15606 },
        { sku: 'SKU-B', quantity: 1, amountCents: 26631 },
        { sku: 'SKU-C', quantity: 2, amountCents: 37563 },
      ],
    });
    const events = await adminQuery<{ amount: number }>(
      adminUrl,
      `SELECT (payload::jsonb->>'amountCents')::int AS amount FROM orders.outbox
        WHERE topic = 'orders.ingested.v1' AND payload::jsonb->>'shopId' = 'shop-douyin-three'`,
    );
    expect(events.map((e) => e.amount)).toEqual([79800]);
  });

  it('corrects a Douyin order stored with its first row’s amount when the same export is imported again', async () => {
    await run('douyin', 'shop-douyin-fix', fixture('douyin'));
    // As the importer stored it before issue 9 §2: the first 子订单's amount, lines without amounts.
    await adminQuery(
      adminUrl,
      `UPDATE orders.orders SET amount_cents = 25600, content_fingerprint = 'before-issue-9',
              lines = '[{"sku":"SKU-TEA-01","quantity":1},{"sku":"SKU-TEA-03","quantity":2}]'
        WHERE shop_id = 'shop-douyin-fix' AND platform_order_id = '6912345678901234567'`,
    );
    expect(await run('douyin', 'shop-douyin-fix', fixture('douyin'))).toMatchObject({
      updated: 1,
      unchanged: 2,
    });
    expect(await orderRow('shop-douyin-fix', '6912345678901234567')).toMatchObject({ amount: 31200 });
  });

  it('keeps the order amount of a JD order whose SKU rows repeat it, and rejects a row that contradicts it', async () => {
    const [header, first] = fixture('jd').toString('utf8').split('\n');
    const h = header.split(',');
    const skuRow = (sku: string, amount: string) => {
      const cells = first.split(',');
      cells[h.indexOf('订单号')] = '290000000099';
      cells[h.indexOf('货号')] = sku;
      cells[h.indexOf('应付金额')] = amount;
      return cells.join(',');
    };
    const csv = [
      header,
      skuRow('SKU-A', '300.00'),
      skuRow('SKU-B', '300.00'),
      skuRow('SKU-C', '120.00'),
    ].join('\n');
    const summary = await run('jd', 'shop-jd-skus', Buffer.from(csv));
    expect(summary).toMatchObject({ accepted: 1, mergedLines: 1, rejectedRows: 1 });
    expect(summary.rejected).toEqual([
      { row: 4, field: '应付金额', reason: expect.stringMatching(/differs from row 2 of the same order/) },
    ]);
    expect(JSON.stringify(summary.rejected)).not.toContain('120');
    expect(await orderRow('shop-jd-skus', '290000000099')).toMatchObject({
      amount: 30000,
      lines: [
        { sku: 'SKU-A', quantity: 2 },
        { sku: 'SKU-B', quantity: 2 },
      ],
    });
  });

  it('imports the Pinduoduo 订单查询 export that splits the address into 省/市/区/街道 without 详细地址', async () => {
    const bytes = readFileSync(join(__dirname, 'fixtures', 'pinduoduo-orders-query.csv'));
    const summary = await run('pinduoduo', 'shop-pdd-query', bytes);
    expect(summary).toMatchObject({ status: 'completed', accepted: 3, rejectedRows: 0 });
    expect(summary.droppedColumns).toEqual(
      expect.arrayContaining(['身份证姓名', '身份证号码', '用户购买手机号']),
    );
    expect(await orderRow('shop-pdd-query', '261101-223456789012345')).toMatchObject({
      status: 'shipped',
      amount: 24600,
      tracking_number: 'YT1234567890',
      lines: [{ sku: 'SKU-TEA-01', quantity: 2 }],
    });
    expect(await orderRow('shop-pdd-query', '261103-223456789012347')).toMatchObject({ status: 'closed' });
    // The older export with 详细地址 keeps working beside it.
    expect(await run('pinduoduo', 'shop-pdd-query', fixture('pinduoduo'))).toMatchObject({ accepted: 3 });
  });

  it('maps the items of a Youzan order-level 订单报表 (全部商品名称) into lines, and warns of an order without any', async () => {
    const bytes = readFileSync(join(__dirname, 'fixtures', 'youzan-order-report.csv'));
    const summary = await run('youzan', 'shop-yz-report', bytes);
    expect(summary).toMatchObject({ status: 'completed', accepted: 3, rejectedRows: 0 });
    expect(await orderRow('shop-yz-report', 'E20261103100000011')).toMatchObject({
      amount: 31200,
      lines: [
        { sku: '明前龙井 礼盒 250g', quantity: 1 },
        { sku: '茉莉花茶', quantity: 2 },
      ],
    });
    expect(await orderRow('shop-yz-report', 'E20261103100000012')).toMatchObject({
      lines: [{ sku: '福鼎白茶(规格:357g)', quantity: 2 }],
    });
    expect(summary.warnings).toEqual([
      {
        code: 'ORDER_WITHOUT_LINES',
        rowCount: 1,
        rows: [4],
        message: expect.stringMatching(/no item lines/),
      },
    ]);
    // Stored with the job, so GET /imports/<id> shows it too.
    const [job] = await adminQuery<{ summary: ImportSummary }>(
      adminUrl,
      'SELECT summary FROM orders.import_jobs WHERE id = $1',
      [summary.importId],
    );
    expect(job.summary.warnings).toEqual(summary.warnings);
    expect((await run('youzan', 'shop-yz-clean', fixture('youzan'))).warnings).toEqual([]);
  });

  it('reports unmasked PII in a Pinduoduo export by column and drops the ID-card columns (R1, R4)', async () => {
    const summary = await run('pinduoduo', 'shop-pdd-pii', fixture('pinduoduo'));
    expect(summary.droppedColumns).toEqual(expect.arrayContaining(['身份证姓名', '身份证号码']));
    expect(summary.unmaskedPii).toMatchObject({
      身份证号码: { kinds: ['resident_id'], rows: [2] },
      手机: { kinds: ['mobile_phone'], rows: [2] },
    });
    expect(JSON.stringify(summary)).not.toContain('11010519491231002X');
  });

  it('detects GBK, UTF-8 with BOM and XLSX from the bytes: the same JD export imports the same way', async () => {
    const utf8 = fixture('jd');
    const gbk = iconv.encode(utf8.toString('utf8'), 'gbk');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    const xlsx = await xlsxOf(utf8.toString('utf8'));
    for (const [label, bytes, file] of [
      ['gbk', gbk, { format: 'csv', encoding: 'gb18030' }],
      ['bom', bom, { format: 'csv', encoding: 'utf-8' }],
      ['xlsx', xlsx, { format: 'xlsx', encoding: null }],
    ] as const) {
      const summary = await run('jd', `shop-jd-${label}`, bytes);
      expect({ label, summary }).toMatchObject({ label, summary: { accepted: 3, rejectedRows: 0, file } });
      expect(await orderRow(`shop-jd-${label}`, '290000000001')).toMatchObject({
        status: 'completed',
        amount: 25600,
        tracking_number: 'JDV000111222333',
        lines: [{ sku: 'SKU-TEA-01', quantity: 2 }],
      });
    }
  });

  it.each([
    [
      'a ZIP that is not a workbook',
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0]), Buffer.from('orders.csv')]),
      'NOT_AN_ORDER_EXPORT',
    ],
    [
      'a PNG image renamed .csv',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
      'NOT_AN_ORDER_EXPORT',
    ],
    ['an empty file', Buffer.alloc(0), 'EMPTY_FILE'],
    ['a header without rows', Buffer.from(fixture('jd').toString('utf8').split('\n')[0]), 'EMPTY_FILE'],
    ['a Douyin export sent as JD', fixture('douyin'), 'WRONG_PLATFORM'],
  ])('refuses %s precisely and writes nothing', async (label, bytes, code) => {
    const shop = `shop-refused-${label.length}`;
    const err = await refusal('jd', shop, bytes);
    expect(err.code).toBe(code);
    if (code === 'WRONG_PLATFORM') expect(err.message).toMatch(/抖店 订单导出 \(douyin\)/);
    expect(await ordersOf(shop)).toBe(0);
    expect(await jobsOf(shop)).toBe(0);
  });

  it('refuses a file missing required columns, naming each', async () => {
    const [header, ...rows] = fixture('kuaishou').toString('utf8').split('\n');
    const cut = [header.replace('实付款', '金额?').replace('订单状态', '状态?'), ...rows].join('\n');
    const err = await refusal('kuaishou', 'shop-missing', Buffer.from(cut));
    expect(err).toMatchObject({
      code: 'MISSING_COLUMNS',
      details: { missingColumns: ['订单状态', '实付款 or 实付金额 or 订单实付金额'] },
    });
  });

  it('rejects bad dates, amounts and duplicated rows by row and column, never quoting the value; the rest is stored', async () => {
    const lines = fixture('jd').toString('utf8').trimEnd().split('\n');
    const badAmount = lines[2].replace(',89.90,89.90,89.90,89.90,', ',89.90,89.90,89.90,8x9.9,');
    const badDate = lines[3].replace('2026-11-03 08:05:00', '2026-02-30 08:05:00');
    const rejected: RejectedRow[] = [];
    const summary = await run(
      'jd',
      'shop-bad-cells',
      Buffer.from([lines[0], lines[1], badAmount, badDate, lines[1]].join('\n')),
      {
        rejected,
      },
    );
    expect(summary).toMatchObject({ rows: 4, accepted: 1, rejectedRows: 3 });
    expect(summary.rejected).toEqual([
      { row: 3, field: '应付金额', reason: expect.stringMatching(/not an amount/) },
      { row: 4, field: '下单时间', reason: 'not a valid calendar date-time' },
      { row: 5, field: '订单号', reason: 'duplicate of row 2: same order and line' },
    ]);
    expect(JSON.stringify(summary.rejected)).not.toMatch(/8x9\.9|2026-02-30/);
    expect(rejected.map((r) => r.row)).toEqual([3, 4, 5]);

    // Re-run after the fix: the rest lands, nothing doubles.
    const fixed = await run('jd', 'shop-bad-cells', fixture('jd'));
    expect(fixed).toMatchObject({ accepted: 2, unchanged: 1, rejectedRows: 0 });
    expect(await ordersOf('shop-bad-cells')).toBe(3);
  });

  it('rejects an order number repeated after its chunk was stored, naming the first row, on a first import and a re-import', async () => {
    const header =
      '订单编号,买家会员名,买家实际支付金额,订单状态,收货人姓名,收货地址,联系手机,订单创建时间,物流单号,物流公司,商家编码,宝贝总数量';
    const line = (n: number) =>
      `="81${String(n).padStart(17, '0')}",tb_rep${n},18.00,买家已付款，等待卖家发货,钱**,上海市 ****,138****${String(n % 10000).padStart(4, '0')},2026-11-20 10:00:00,,,SKU-REP,1`;
    // Rows 2…2601 hold 2,600 orders (more than one 2,000-order chunk); row 2602 repeats row 2.
    const rows = Array.from({ length: 2600 }, (_, i) => line(i));
    const file = Buffer.from([header, ...rows, line(0)].join('\r\n'));
    const expected = [
      { row: 2602, field: '订单编号', reason: 'order number already appears in row 2 of this file' },
    ];

    const rejected: RejectedRow[] = [];
    const first = await run('tmall', 'shop-repeat', file, { rejected });
    expect(first).toMatchObject({ rows: 2601, accepted: 2600, rejectedRows: 1, rejected: expected });
    expect(rejected.map((r) => [r.row, r.cells.length])).toEqual([[2602, 12]]);

    // The same file again: every order unchanged, the repeat still named (not counted twice).
    const again = await run('tmall', 'shop-repeat', file);
    expect(again).toMatchObject({
      rows: 2601,
      accepted: 0,
      unchanged: 2600,
      rejectedRows: 1,
      rejected: expected,
    });
    expect(await ordersOf('shop-repeat')).toBe(2600);
  });

  it('rejects the rows of a stray encoding in a mixed file, keeping the others', async () => {
    const text = fixture('jd').toString('utf8').trimEnd().split('\n');
    const mixed = Buffer.concat([
      Buffer.from(`${text[0]}\n${text[1]}\n`),
      iconv.encode(`${text[2]}\n`, 'gbk'),
      Buffer.from(`${text[3]}\n`),
    ]);
    const summary = await run('jd', 'shop-mixed', mixed);
    expect(summary).toMatchObject({ accepted: 2, rejectedRows: 1 });
    expect(summary.rejected).toEqual([
      { row: 3, field: expect.any(String), reason: expect.stringMatching(/mixes encodings/) },
    ]);
  });

  it('keeps the rows before a truncation, rejects the cut row precisely, and completes on re-run', async () => {
    const full = fixture('youzan');
    const cut = full.subarray(0, full.length - 60);
    const first = await run('youzan', 'shop-truncated', cut);
    expect(first).toMatchObject({ accepted: 1, rejectedRows: 1 });
    expect(first.rejected[0]).toMatchObject({ row: 3, reason: expect.stringMatching(/truncated/) });
    const again = await run('youzan', 'shop-truncated', full);
    expect(again).toMatchObject({ accepted: 1, unchanged: 1 });
    expect(await ordersOf('shop-truncated')).toBe(2);
  });

  it('stops at a damaged workbook with TRUNCATED_FILE, and a re-run of the whole file completes', async () => {
    const xlsx = await xlsxOf(fixture('kuaishou').toString('utf8'));
    const err = await refusal('kuaishou', 'shop-xlsx-cut', xlsx.subarray(0, Math.floor(xlsx.length * 0.7)));
    expect(['TRUNCATED_FILE', 'EMPTY_FILE']).toContain(err.code);
    expect(await run('kuaishou', 'shop-xlsx-cut', xlsx)).toMatchObject({ rejectedRows: 0 });
    expect(await ordersOf('shop-xlsx-cut')).toBe(2);
  });

  it('rejects a workbook row whose long order number was saved as a number (digits lost)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('订单');
    const [header, row] = fixture('kuaishou').toString('utf8').split('\n');
    sheet.addRow(header.split(','));
    sheet.addRow([6912345678901234567, ...row.split(',').slice(1)]);
    sheet.addRow(fixture('kuaishou').toString('utf8').split('\n')[2].split(','));
    const summary = await run('kuaishou', 'shop-xlsx-number', Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(summary).toMatchObject({ accepted: 1, rejectedRows: 1 });
    expect(summary.rejected).toEqual([
      { row: 2, field: '订单号', reason: expect.stringMatching(/number too long to be exact/) },
    ]);
  });

  it('rejects a 1 MB single line by row number and imports the rows around it', async () => {
    const lines = fixture('kuaishou').toString('utf8').trimEnd().split('\n');
    const huge = `2311000000000009,${'x'.repeat(1024 * 1024)}`;
    const summary = await run(
      'kuaishou',
      'shop-long-line',
      Buffer.from([lines[0], lines[1], huge, lines[2]].join('\n')),
    );
    expect(summary).toMatchObject({ rows: 3, accepted: 2, rejectedRows: 1 });
    expect(summary.rejected).toEqual([
      { row: 3, field: '(row)', reason: expect.stringMatching(/larger than 64 KiB/) },
    ]);
  });

  it('reads on after a line too long to cut: earlier batches from the workers, the rest in one stream, rows numbered on', async () => {
    const [header] = fixture('pinduoduo').toString('utf8').split('\n');
    const row = (i: number) =>
      `茶,2612-${String(i).padStart(8, '0')},已签收,10.00,0,0,0,10.00,10.00,1,,,王**,186****0001,否,北京市,北京市,朝阳区,,****,2026-11-03 11:00:00,,100g,SKU-${i % 9},,,,`;
    const before = Array.from({ length: 2000 }, (_, i) => row(i));
    const after = Array.from({ length: 10 }, (_, i) => row(5000 + i));
    const huge = `茶,2612-99999999,"${'x'.repeat(1100 * 1024)}"`;
    const bytes = Buffer.from([header, ...before, huge, ...after].join('\r\n'));
    const parts = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, k) =>
      bytes.subarray(k * 65_536, (k + 1) * 65_536),
    );
    const batches = workers.screenedBatches;
    const summary = await run('pinduoduo', 'shop-pdd-cut', parts);
    expect(summary).toMatchObject({ rows: 2011, accepted: 2010, rejectedRows: 1 });
    expect(summary.rejected).toEqual([
      { row: 2002, field: '(row)', reason: expect.stringMatching(/larger than 64 KiB/) },
    ]);
    expect(await ordersOf('shop-pdd-cut')).toBe(2010);
    expect(Math.sign(workers.screenedBatches - batches)).toBe(threads > 0 ? 1 : 0);
  });

  it('neutralises formula-injection cells in the rejects CSV it writes back', async () => {
    const lines = fixture('kuaishou').toString('utf8').trimEnd().split('\n');
    const evil = lines[1]
      .replace('2311000000000001', '2311000000000005')
      .replace(',256.00,', ',=HYPERLINK("http://x"),');
    const rejected: RejectedRow[] = [];
    await run('kuaishou', 'shop-formula', Buffer.from([lines[0], evil].join('\n')), { rejected });
    let out = '';
    const csv = new RejectsCsv((t) => (out += t));
    rejected.forEach((r) => csv.add(r));
    expect(out).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(out).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('never lets an older update overwrite a newer one: status order, else the modification time', async () => {
    // Kuaishou has no modification time: a regressing status is older.
    await run('kuaishou', 'shop-order', fixture('kuaishou'));
    const older = fixture('kuaishou').toString('utf8').replace('交易成功', '待发货');
    expect(await run('kuaishou', 'shop-order', Buffer.from(older))).toMatchObject({
      stale: 1,
      updated: 0,
      unchanged: 1,
    });
    expect((await orderRow('shop-order', '2311000000000002')).status).toBe('completed');

    // Youzan has 订单更新时间: it decides, whatever the status says.
    await run('youzan', 'shop-order-yz', fixture('youzan'));
    const text = fixture('youzan').toString('utf8');
    const olderYz = text
      .replace(
        '已发货,2026-11-01 10:00:00,2026-11-01 10:00:30,2026-11-02 08:00:00',
        '已发货,2026-11-01 10:00:00,2026-11-01 10:00:30,2026-11-01 12:00:00',
      )
      .replace('SF1234567890123', 'SF000');
    expect(await run('youzan', 'shop-order-yz', Buffer.from(olderYz))).toMatchObject({
      stale: 1,
      updated: 0,
    });
    const newer = text.replace('2026-11-02 08:00:00', '2026-11-03 08:00:00').replace('已发货', '已完成');
    expect(await run('youzan', 'shop-order-yz', Buffer.from(newer))).toMatchObject({ updated: 1, stale: 0 });
    expect(await orderRow('shop-order-yz', 'E20261101100000001')).toMatchObject({
      status: 'completed',
      tracking_number: 'SF1234567890123',
      source_modified_at: new Date('2026-11-03T00:00:00Z'),
    });
  });

  it('streams a large generated GBK export in several chunks', async () => {
    const [header] = fixture('pinduoduo').toString('utf8').split('\n');
    const rows = Array.from(
      { length: 4500 },
      (_, i) =>
        `茶,2611-${String(i).padStart(8, '0')},已签收,10.00,0,0,0,10.00,10.00,1,,,王**,186****0001,否,北京市,北京市,朝阳区,,****,2026-11-03 11:00:00,,100g,SKU-${i % 9},,,,`,
    );
    const bytes = iconv.encode([header, ...rows].join('\r\n'), 'gbk');
    const parts = Array.from({ length: Math.ceil(bytes.length / 70_000) }, (_, k) =>
      bytes.subarray(k * 70_000, (k + 1) * 70_000),
    );
    const batches = workers.screenedBatches;
    const summary = await run('pinduoduo', 'shop-pdd-big', parts);
    expect(summary).toMatchObject({ rows: 4500, accepted: 4500, file: { encoding: 'gb18030' } });
    expect(await ordersOf('shop-pdd-big')).toBe(4500);
    // With threads, the rows went through them in batches; without, through none.
    expect(Math.sign(workers.screenedBatches - batches)).toBe(threads > 0 ? 1 : 0);
  });
});
