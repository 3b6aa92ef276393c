import { readCsvRecords, type CsvRecord } from './csv-records';
import { ImportsError } from './imports.errors';

async function readAll(chunks: (string | Buffer)[]): Promise<{ records: CsvRecord[]; malformed: number[] }> {
  const malformed: number[] = [];
  const records: CsvRecord[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const r of readCsvRecords(source(), (row) => malformed.push(row))) records.push(r);
  return { records, malformed };
}

describe('readCsvRecords', () => {
  it('strips a BOM, keeps quoted line breaks, and numbers rows as a spreadsheet does', async () => {
    const { records } = await readAll(['\uFEFFa,b\r\n1,"x\r\ny"\r\n', '\r\n2,z\r\n']);
    expect(records).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['1', 'x\r\ny'] },
      { row: 3, cells: ['2', 'z'] },
    ]);
  });

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('订单编号\n张三\n', 'utf8');
    const { records } = await readAll([bytes.subarray(0, 2), bytes.subarray(2, 7), bytes.subarray(7)]);
    expect(records.map((r) => r.cells[0])).toEqual(['订单编号', '张三']);
  });

  it('refuses GBK even when the first bad byte comes after the first chunk', async () => {
    const gbk = Buffer.from([0xb6, 0xa9, 0xb5, 0xa5]);
    await expect(readAll([Buffer.alloc(5000, 0x61), gbk])).rejects.toMatchObject({ code: 'NOT_UTF8' });
  });

  it.each([
    [[Buffer.alloc(0)], 'EMPTY_FILE'],
    [['\uFEFF\r\n\r\n'], 'EMPTY_FILE'],
    [[Buffer.from([0x50, 0x4b, 0x03, 0x04])], 'NOT_CSV'],
    [[Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])], 'NOT_CSV'],
    [[Buffer.from('a\u0000b')], 'NOT_CSV'],
  ])('refuses %p with %s', async (chunks, code) => {
    const err = await readAll(chunks as Buffer[]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportsError);
    expect(err).toMatchObject({ code });
  });
});
