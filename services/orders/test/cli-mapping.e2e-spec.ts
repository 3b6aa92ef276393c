import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { generateSecretsEnv } from '@siyu/crypto';
import { adminQuery, createTestDatabase } from '@siyu/testing';
import { runCli } from '../src/cli';

describe('orders CLI: import with a mapping file and a progress bar', () => {
  let adminUrl: string;
  const secrets = generateSecretsEnv();
  const dir = mkdtempSync(join(tmpdir(), 'siyu-cli-map-'));
  const variant = join(dir, 'variant.csv');
  writeFileSync(
    variant,
    '单号,状态,实收,下单日期,收货人,电话,地址,宝贝\r\nV-1,已出库,12.50,2026-11-01 10:00,张**,138****5678,北京 ****,龙井\r\nV-2,完成,8.00,2026-11-02 10:00,李**,139****0000,上海 ****,白茶\r\n',
  );

  beforeAll(async () => {
    adminUrl = await createTestDatabase('ordersclimap');
  });

  const run = async (argv: string[], progressStream?: NodeJS.WritableStream) => {
    let out = '';
    let err = '';
    const code = await runCli(
      argv,
      { DATABASE_URL: adminUrl, ...secrets },
      {
        out: (s) => (out += s),
        err: (s) => (err += s),
        progressStream,
      },
    );
    return { code, out, err };
  };

  it('refuses an unknown variant without a mapping file, and imports it with one', async () => {
    const without = await run(['import', variant, '--platform', 'jd', '--shop', 'map-shop']);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/MISSING_COLUMNS/);

    const mapping = join(dir, 'mapping.json');
    writeFileSync(
      mapping,
      JSON.stringify({
        columns: {
          order_id: '单号',
          order_status: '状态',
          amount: '实收',
          ordered_at: '下单日期',
          receiver_name: '收货人',
          receiver_phone: '电话',
          receiver_address: '地址',
          line_title: '宝贝',
        },
        statuses: { 已出库: 'shipped' },
      }),
    );
    const progress = new PassThrough();
    let bar = '';
    progress.on('data', (d) => (bar += String(d)));
    const withMapping = await run(
      ['import', variant, '--platform', 'jd', '--shop', 'map-shop', '--mapping', mapping],
      progress,
    );
    expect(withMapping.code).toBe(0);
    expect(JSON.parse(withMapping.out)).toMatchObject({ accepted: 2, rejectedRows: 0 });
    expect(withMapping.err).toMatch(/2 rows · [\d,]+ rows\/s/);
    expect(bar).toMatch(/rows\/s \| ETA/);
    const rows = await adminQuery<{ status: string }>(
      adminUrl,
      `SELECT status FROM orders.orders WHERE shop_id = 'map-shop' ORDER BY platform_order_id`,
    );
    expect(rows.map((r) => r.status)).toEqual(['shipped', 'completed']);
  });

  it('exits 2 naming the problem of a bad mapping file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ columns: { phone: '电话' } }));
    const res = await run(['import', variant, '--platform', 'jd', '--shop', 'map-shop', '--mapping', bad]);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/"phone" is not a canonical field/);
    writeFileSync(bad, '{ not json');
    expect(
      (await run(['import', variant, '--platform', 'jd', '--shop', 'map-shop', '--mapping', bad])).err,
    ).toMatch(/not valid JSON/);
  });
});
