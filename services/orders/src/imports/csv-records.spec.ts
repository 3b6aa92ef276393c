import iconv from 'iconv-lite';
import { readCsvRecords, type ExportRecord } from './csv-records';
import type { TextEncoding } from './export-format';
import { ImportsError } from './imports.errors';

async function readAll(
  chunks: Buffer[],
  encoding: TextEncoding = 'utf-8',
): Promise<{ records: ExportRecord[]; malformed: [number, string][] }> {
  const malformed: [number, string][] = [];
  const records: ExportRecord[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const r of readCsvRecords(source(), encoding, (row, reason) => malformed.push([row, reason])))
    records.push(r);
  return { records, malformed };
}

describe('readCsvRecords', () => {
  it('strips a BOM, keeps quoted line breaks, and numbers rows as a spreadsheet does', async () => {
    const { records } = await readAll([
      Buffer.from('\uFEFFa,b\r\n1,"x\r\ny"\r\n'),
      Buffer.from('\r\n2,z\r\n'),
    ]);
    expect(records).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['1', 'x\r\ny'] },
      { row: 3, cells: ['2', 'z'] },
    ]);
  });

  it('decodes a multi-byte character split across chunks, in UTF-8 and in GBK', async () => {
    for (const encoding of ['utf-8', 'gb18030'] as const) {
      const bytes = iconv.encode('订单编号\n张三\n', encoding);
      const { records } = await readAll(
        [bytes.subarray(0, 3), bytes.subarray(3, 7), bytes.subarray(7)],
        encoding,
      );
      expect(records.map((r) => r.cells[0])).toEqual(['订单编号', '张三']);
    }
  });

  it('reports a quote never closed at the end of a truncated file, by row', async () => {
    const { records, malformed } = await readAll([Buffer.from('a,b\n1,2\n3,"cut off')]);
    expect(records).toHaveLength(2);
    expect(malformed).toEqual([[3, expect.stringMatching(/ends inside a quoted cell/)]]);
  });

  it('stops with RECORD_TOO_LARGE at a record of megabytes, after yielding the rows before it', async () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x78);
    const records: ExportRecord[] = [];
    const err = await (async () => {
      for await (const r of readCsvRecords(
        (async function* () {
          yield Buffer.from('a,b\n1,2\n');
          yield huge;
          yield Buffer.from('\n3,4\n');
        })(),
        'utf-8',
        () => undefined,
      ))
        records.push(r);
    })().catch((e: unknown) => e);
    expect(records.map((r) => r.row)).toEqual([1, 2]);
    expect(err).toBeInstanceOf(ImportsError);
    expect(err).toMatchObject({ code: 'RECORD_TOO_LARGE', details: { row: 3 } });
  });
});
