import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, createTestDatabase, testAuthKeys } from '@siyu/testing';
import { dataMap, undeclaredColumns } from '../../privacy/src/records/data-map';
import { StandaloneModule } from '../src/standalone.module';

const SCHEMAS = ['identity', 'orders', 'consent', 'audience', 'outreach', 'privacy'];

describe('data map (R18): every column of every service schema is declared', () => {
  let app: INestApplication;
  let adminUrl: string;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('datamap');
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env: generateSecretsEnv(),
          authKeys: testAuthKeys(),
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: () => undefined,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
  }, 120_000);
  afterAll(async () => app?.close());

  const columns = () =>
    adminQuery<{ schema: string; table: string; column: string }>(
      adminUrl,
      `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = ANY($1) AND t.table_type = 'BASE TABLE'
        ORDER BY 1, 2, c.ordinal_position`,
      [SCHEMAS],
    );

  it('fails for a column in any service schema that has no category and purpose', async () => {
    expect(undeclaredColumns(await columns())).toEqual([]);
  });

  it('declares no column that the schemas do not have (a dropped column leaves no stale record)', async () => {
    const actual = new Set((await columns()).map((c) => `${c.schema}.${c.table}.${c.column}`));
    expect(
      dataMap()
        .map((r) => `${r.service}.${r.table}.${r.column}`)
        .filter((k) => !actual.has(k)),
    ).toEqual([]);
  });
});
