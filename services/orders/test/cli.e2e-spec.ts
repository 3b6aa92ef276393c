import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecretsEnv } from '@siyu/crypto';
import { adminQuery, createTestDatabase } from '@siyu/testing';
import { runCli } from '../src/cli';

describe('orders CLI: import <file>', () => {
  let adminUrl: string;
  const secrets = generateSecretsEnv();
  const dir = mkdtempSync(join(tmpdir(), 'siyu-cli-'));
  const fixture = join(__dirname, 'fixtures', 'tmall-orders.csv');

  beforeAll(async () => {
    adminUrl = await createTestDatabase('orderscli');
  });

  const run = async (argv: string[], env: Record<string, string | undefined>) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, env, { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };

  it('imports the file, prints progress and the summary, and writes formula-safe rejects', async () => {
    const rejects = join(dir, 'rejects.csv');
    const { code, out, err } = await run(
      ['import', fixture, '--platform', 'tmall', '--shop', 'cli-shop', '--rejects', rejects],
      {
        DATABASE_URL: adminUrl,
        ...secrets,
      },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      shopId: 'cli-shop',
      status: 'completed',
      accepted: 4,
      rejectedRows: 3,
    });
    expect(err).toMatch(/7 rows · [\d,]+ rows\/s/);
    const [{ n }] = await adminQuery<{ n: number }>(
      adminUrl,
      `SELECT count(*)::int AS n FROM orders.orders WHERE shop_id = 'cli-shop'`,
    );
    expect(n).toBe(4);
    const lines = readFileSync(rejects, 'utf8').split('\r\n');
    expect(lines[0].startsWith('\uFEFFrow,field,reason,')).toBe(true);
    expect(lines[0]).toContain(`"'=""订单编号"""`);
    expect(lines[1]).toMatch(
      /^5,买家实际支付金额,not an amount[^,]*,"'=""3901234567890123454""",tb_bad_amount,/,
    );
    expect(lines.filter((l) => l.length > 0)).toHaveLength(4);
  });

  it('exits 1 with the reason when the import is refused, leaving no rejects file behind', async () => {
    const zip = join(dir, 'orders.csv');
    const rejects = join(dir, 'refused-rejects.csv');
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    const { code, err } = await run(
      ['import', zip, '--platform', 'tmall', '--shop', 'cli-shop', '--rejects', rejects],
      { DATABASE_URL: adminUrl, ...secrets },
    );
    expect(code).toBe(1);
    expect(err).toMatch(
      /import refused \(NOT_AN_ORDER_EXPORT\): .*ZIP archive that is not an Excel workbook/,
    );
    expect(existsSync(rejects)).toBe(false);
  });

  it('writes no rejects file when every row was imported, and says so', async () => {
    const rejects = join(dir, 'clean-rejects.csv');
    const clean = join(__dirname, 'fixtures', 'youzan-orders.csv');
    const { code, err } = await run(
      ['import', clean, '--platform', 'youzan', '--shop', 'cli-clean', '--rejects', rejects],
      { DATABASE_URL: adminUrl, ...secrets },
    );
    expect(code).toBe(0);
    expect(existsSync(rejects)).toBe(false);
    expect(err).toMatch(/no rejected rows: .*clean-rejects\.csv not written/);
  });

  it('prints the warning of orders stored without item lines', async () => {
    const report = join(__dirname, 'fixtures', 'youzan-order-report.csv');
    const { code, out, err } = await run(['import', report, '--platform', 'youzan', '--shop', 'cli-yz'], {
      DATABASE_URL: adminUrl,
      ...secrets,
    });
    expect(code).toBe(0);
    expect(JSON.parse(out).warnings).toEqual([
      expect.objectContaining({ code: 'ORDER_WITHOUT_LINES', rows: [4] }),
    ]);
    expect(err).toMatch(/warning: 1 order\(s\) .*no item lines.*rows 4/);
  });

  it('uses the database and keys of a running npm start from SIYU_DATA_DIR, and says what to do without one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'siyu-data-'));
    const none = await run(['import', fixture, '--platform', 'tmall', '--shop', 'cli-dir'], {
      SIYU_DATA_DIR: dataDir,
      ...secrets,
    });
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/set DATABASE_URL, or start Siyu/);
    writeFileSync(join(dataDir, 'postgres-url'), `${adminUrl}\n`);
    writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify(secrets));
    const found = await run(['import', fixture, '--platform', 'tmall', '--shop', 'cli-dir'], {
      SIYU_DATA_DIR: dataDir,
    });
    expect(found.code).toBe(0);
    expect(JSON.parse(found.out)).toMatchObject({ accepted: 4 });
  });

  it('exits 2 with usage on bad arguments, and 1 when secrets are missing', async () => {
    expect(
      (await run(['import', fixture, '--platform', 'tmall'], { DATABASE_URL: adminUrl, ...secrets })).code,
    ).toBe(2);
    const noKeys = await run(['import', fixture, '--platform', 'tmall', '--shop', 's'], {
      DATABASE_URL: adminUrl,
    });
    expect(noKeys.code).toBe(1);
    expect(noKeys.err).toMatch(/FULFILMENT_KEK is not set/);
  });
});
