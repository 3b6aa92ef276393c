import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { dataMap, dataMapCsv, processingRecordsMarkdown, undeclaredColumns } from './data-map';

const docs = join(__dirname, '../../../../docs/privacy');

describe('data map and processing records (R18)', () => {
  it('exports one CSV row per declared column that a CSV reader reads back unchanged', () => {
    const rows: string[][] = parse(dataMapCsv());
    expect(rows[0]).toEqual([
      'service',
      'table',
      'column',
      'category',
      'purpose',
      'legal_basis',
      'retention',
    ]);
    expect(rows).toHaveLength(dataMap().length + 1);
    const ledgerSubject = rows.find((r) => r[0] === 'consent' && r[1] === 'ledger' && r[2] === 'subject_ref');
    expect(ledgerSubject?.slice(3, 5)).toEqual(['subject_ref', 'consent_proof']);
  });

  it('names a column the declarations do not know', () => {
    expect(
      undeclaredColumns([
        { schema: 'consent', table: 'ledger', column: 'subject_ref' },
        { schema: 'consent', table: 'ledger', column: 'customer_name' },
      ]),
    ).toEqual(['consent.ledger.customer_name']);
  });

  it('declares the sealed receiver data as fulfilment, never marketing', () => {
    const receiver = dataMap().filter((r) => r.category === 'receiver_sealed');
    expect(receiver.length).toBeGreaterThan(0);
    expect(new Set(receiver.map((r) => r.purpose))).toEqual(new Set(['fulfilment']));
  });

  it('keeps the published docs equal to what the code declares', () => {
    expect(readFileSync(join(docs, 'processing-records.md'), 'utf8')).toBe(processingRecordsMarkdown());
    expect(readFileSync(join(docs, 'data-map.csv'), 'utf8')).toBe(dataMapCsv());
  });
});
