import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORMS, type Platform } from '@siyu/contracts';
import { FULFILMENT_FIELDS } from '@siyu/privacy';
import { ImportsError } from './imports.errors';
import { applyMappingFile, parseMappingFile } from './mapping-file';
import type { MappedRow } from './platform-export';
import type { MappedOrder } from '../order-book/order';
import { planExportColumns, platformExportFor } from './platform-exports';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

/** Header and rows of a fixture (simple CSV: no quoted commas in these). */
function fixture(platform: Platform): { header: string[]; rows: string[][] } {
  const [header, ...rows] = readFileSync(join(FIXTURES, `${platform}-orders.csv`), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.length > 0)
    .map((l) => l.split(','));
  return { header, rows };
}

function mapFixtureRow(platform: Platform, index: number): MappedRow {
  const { header, rows } = fixture(platform);
  const { mapping, columns } = planExportColumns(header, platform);
  return mapping.mapRow(columns.readerFor(rows[index]), columns.has);
}

function orderOf(row: MappedRow): MappedOrder {
  if (!('order' in row)) throw new Error(JSON.stringify(row.problems));
  return row.order;
}

describe('platform export layouts', () => {
  it.each(PLATFORMS.filter((p) => p !== 'tmall'))('reads its own %s fixture without problems', (platform) => {
    const { rows } = fixture(platform);
    rows.forEach((_, i) => expect(mapFixtureRow(platform, i)).toHaveProperty('order'));
  });

  it('maps each platform’s wording to the canonical statuses', () => {
    expect(orderOf(mapFixtureRow('jd', 0)).status).toBe('completed');
    expect(orderOf(mapFixtureRow('jd', 1)).status).toBe('paid');
    expect(orderOf(mapFixtureRow('jd', 2)).status).toBe('shipped');
    expect(orderOf(mapFixtureRow('douyin', 0)).status).toBe('shipped');
    expect(orderOf(mapFixtureRow('douyin', 2)).status).toBe('paid');
    expect(orderOf(mapFixtureRow('douyin', 3)).status).toBe('awaiting_payment');
    expect(orderOf(mapFixtureRow('kuaishou', 1)).status).toBe('completed');
    expect(orderOf(mapFixtureRow('pinduoduo', 0)).status).toBe('shipped');
    expect(orderOf(mapFixtureRow('pinduoduo', 2)).status).toBe('closed');
    expect(orderOf(mapFixtureRow('youzan', 1)).status).toBe('paid');
  });

  it('reads a JD order deleted after payment ("(删除)等待出库") as closed, not paid', () => {
    const { header, rows } = fixture('jd');
    const { mapping, columns } = planExportColumns(header, 'jd');
    const cells = [...rows[1]];
    cells[header.indexOf('订单状态')] = '(删除)等待出库';
    expect(orderOf(mapping.mapRow(columns.readerFor(cells), columns.has)).status).toBe('closed');
  });

  it('keeps Douyin ciphertexts and virtual numbers as sent, and joins the split address region first (R1)', () => {
    const first = orderOf(mapFixtureRow('douyin', 0));
    expect(first).toMatchObject({
      platformOrderId: '6912345678901234567',
      // This 子订单's own 订单应付金额; the order's is the sum over its rows (issue 9 §2).
      amountCents: 25600,
      receiver: {
        name: '#Rk9PYmFy5byg5LiJ#',
        phone: '$MTg4MDAwMDExMTE=$',
        address: '浙江省 杭州市 西湖区 西溪街道 #QWRkcmVzcy1jaXBoZXI=#',
      },
      lines: [{ sku: 'SKU-TEA-01', quantity: 1, amountCents: 25600 }],
    });
    expect(orderOf(mapFixtureRow('douyin', 2)).receiver.phone).toBe('18877771111-123');
  });

  it('composes the Pinduoduo 订单查询 address from 省/市/区/街道 when the export has no 详细地址', () => {
    const [header, ...rows] = readFileSync(join(FIXTURES, 'pinduoduo-orders-query.csv'), 'utf8')
      .split('\r\n')
      .filter((l) => l.length > 0)
      .map((l) => l.split(','));
    const { mapping, columns } = planExportColumns(header, 'pinduoduo');
    expect(orderOf(mapping.mapRow(columns.readerFor(rows[0]), columns.has))).toMatchObject({
      platformOrderId: '261101-223456789012345',
      orderedAt: new Date('2026-11-01T02:00:06Z'),
      receiver: { name: '张**', phone: '138****5678', address: '浙江省 杭州市 西湖区 文三路100号' },
      lines: [{ sku: 'SKU-TEA-01', quantity: 2 }],
    });
  });

  it('still refuses a Pinduoduo export with neither 详细地址/收货地址 nor 街道, naming them', () => {
    const { header } = fixture('pinduoduo');
    expect(() =>
      planExportColumns(
        header.filter((h) => h !== '详细地址' && h !== '街道'),
        'pinduoduo',
      ),
    ).toThrow(/详细地址 or 收货地址 or 街道/);
  });

  it('gives each Douyin 子订单 line its own 订单应付金额 (the order amount is summed when rows merge)', () => {
    expect(orderOf(mapFixtureRow('douyin', 0)).lines).toEqual([
      { sku: 'SKU-TEA-01', quantity: 1, amountCents: 25600 },
    ]);
    // Order-level amounts (JD repeats 应付金额 on each SKU row) are not line amounts.
    expect(orderOf(mapFixtureRow('jd', 0)).lines).toEqual([{ sku: 'SKU-TEA-01', quantity: 2 }]);
  });

  it.each([
    [
      '明前龙井 礼盒 250g(1件);茉莉花茶(2件)',
      '2',
      '3',
      [
        ['明前龙井 礼盒 250g', 1],
        ['茉莉花茶', 2],
      ],
    ],
    ['福鼎白茶(规格:357g)(2件)', '1', '2', [['福鼎白茶(规格:357g)', 2]]],
    ['福鼎白茶（2件）', '1', '2', [['福鼎白茶', 2]]],
    ['大红袍', '1', '3', [['大红袍', 3]]],
    ['买一送一;限量(不拆)', '1', '1', [['买一送一;限量(不拆)', 1]]],
    ['', '', '', []],
  ] as [string, string, string, [string, number][]][])(
    'reads the Youzan 全部商品名称 %p (商品种类数 %s, 商品数量 %s) as lines',
    (names, kinds, quantity, expected) => {
      const header = [
        '订单号',
        '订单状态',
        '订单创建时间',
        '全部商品名称',
        '商品种类数',
        '商品数量',
        '订单实付金额',
        '收货人/提货人',
        '收货人手机号/提货人手机号',
        '详细收货地址/提货地址',
      ];
      const row = [
        'E1',
        '待发货',
        '2026-11-03 10:00:00',
        names,
        kinds,
        quantity,
        '10.00',
        '李**',
        '138****5678',
        '****',
      ];
      const { mapping, columns } = planExportColumns(header, 'youzan');
      expect(orderOf(mapping.mapRow(columns.readerFor(row), columns.has)).lines).toEqual(
        expected.map(([sku, q]) => ({ sku, quantity: q })),
      );
    },
  );

  it('reads the Youzan modification time and the Pinduoduo buyer-paid amount', () => {
    expect(orderOf(mapFixtureRow('youzan', 0)).sourceModifiedAt).toEqual(new Date('2026-11-02T00:00:00Z'));
    expect(orderOf(mapFixtureRow('pinduoduo', 0)).amountCents).toBe(24600);
  });

  it('keeps only fields the fulfilment purpose declares, plus the modification time (R4)', () => {
    for (const platform of PLATFORMS) {
      for (const field of Object.values(platformExportFor(platform).keptColumns))
        expect([...FULFILMENT_FIELDS, 'source_modified_at']).toContain(field);
    }
    const { header } = fixture('pinduoduo');
    const { columns } = planExportColumns(header, 'pinduoduo');
    expect(columns.droppedColumns).toEqual(expect.arrayContaining(['身份证姓名', '身份证号码', '买家留言']));
  });

  it('names the problem column as the file spells it, never the value', () => {
    const { header, rows } = fixture('jd');
    const { mapping, columns } = planExportColumns(
      header.map((h) => (h === '应付金额' ? '实付金额' : h === '订单金额' ? '订单金额X' : h)),
      'jd',
    );
    const row = [...rows[0]];
    row[header.indexOf('应付金额')] = 'abc';
    expect(mapping.mapRow(columns.readerFor(row), columns.has)).toEqual({
      problems: [{ field: '实付金额', reason: expect.stringMatching(/not an amount/) }],
    });
  });

  it.each([
    ['tmall', 'jd'],
    ['douyin', 'tmall'],
    ['pinduoduo', 'douyin'],
    ['youzan', 'kuaishou'],
  ] as [Platform, Platform][])(
    'refuses a %s export sent as %s, naming the likely platform',
    (actual, named) => {
      const { header } =
        actual === 'tmall'
          ? { header: readFileSync(join(FIXTURES, 'tmall-orders.csv'), 'utf8').split('\r\n')[0].split(',') }
          : fixture(actual);
      try {
        planExportColumns(header, named);
        throw new Error('not refused');
      } catch (err) {
        expect(err).toBeInstanceOf(ImportsError);
        expect(err).toMatchObject({ code: expect.stringMatching(/WRONG_PLATFORM|MISSING_COLUMNS/) });
        if ((err as ImportsError).code === 'WRONG_PLATFORM')
          expect((err as ImportsError).details).toEqual({ likelyPlatform: actual });
      }
    },
  );

  it('names Tmall when a Tmall export is imported as JD', () => {
    const header = readFileSync(join(FIXTURES, 'tmall-orders.csv'), 'utf8').split('\r\n')[0].split(',');
    expect(() => planExportColumns(header, 'jd')).toThrow(/looks like a 淘宝\/天猫 订单报表 \(tmall\)/);
  });
});

describe('ops mapping file', () => {
  const variant = ['单号', '状态', '实收', '下单日期', '收货人', '电话', '地址', '宝贝'];

  it('maps an unknown variant’s headers to canonical fields without code', () => {
    const file = parseMappingFile({
      columns: {
        order_id: '单号',
        order_status: ['状态'],
        amount: '实收',
        ordered_at: '下单日期',
        receiver_name: '收货人',
        receiver_phone: '电话',
        receiver_address: '地址',
        line_title: '宝贝',
      },
      statuses: { 已出库: 'shipped' },
    });
    expect(() => planExportColumns(variant, 'jd')).toThrow(ImportsError);
    const { mapping, columns } = planExportColumns(variant, 'jd', file);
    const row = ['JD-1', '已出库', '12.50', '2026-11-01 10:00', '张**', '138****5678', '北京 ****', '龙井'];
    expect(orderOf(mapping.mapRow(columns.readerFor(row), columns.has))).toMatchObject({
      platformOrderId: 'JD-1',
      status: 'shipped',
      amountCents: 1250,
      lines: [{ sku: '龙井', quantity: 1 }],
    });
  });

  it.each([
    [[], /JSON object/],
    [{ colums: {} }, /unknown key\(s\) colums/],
    [{ columns: { phone: '电话' } }, /"phone" is not a canonical field/],
    [{ columns: { order_id: [] } }, /columns.order_id/],
    [{ statuses: { 已出库: 'sent' } }, /statuses.已出库 must be one of/],
    [{ amountPerLine: 'yes' }, /"amountPerLine" must be true or false/],
  ])('refuses a bad mapping file %p, naming the key', (raw, message) => {
    expect(() => parseMappingFile(raw)).toThrow(message);
  });

  it('tries the file’s headers first and keeps the layout’s', () => {
    const layout = applyMappingFile(
      {
        platform: 'jd',
        label: 'x',
        statusOf: 'JD',
        columns: { order_id: ['订单号'] },
        statuses: [],
        signatureColumns: [],
        rowPerLine: true,
      },
      { columns: { order_id: ['单号'] } },
    );
    expect(layout.columns.order_id).toEqual(['单号', '订单号']);
  });
});
