import iconv from 'iconv-lite';
import { CsvBatchSplitter } from './csv-batches';
import { cellsOfRawRecord, parseCsvBatch, readCsvRecords } from './csv-records';

type Read = { row: number; cells?: string[]; malformed?: string };

/** The whole file through the streaming reader, as an import without workers reads it. */
async function streamed(bytes: Buffer, encoding: 'utf-8' | 'gb18030'): Promise<Read[]> {
  const out: Read[] = [];
  async function* source() {
    yield bytes;
  }
  for await (const r of readCsvRecords(source(), encoding, (row, malformed) => out.push({ row, malformed })))
    out.push({ row: r.row, cells: r.cells });
  return out;
}

/** The same bytes cut into batches (fed in pieces of `piece` bytes), each parsed apart, rows numbered on. */
function batched(
  bytes: Buffer,
  encoding: 'utf-8' | 'gb18030',
  piece: number,
  minBatch: number,
): Read[] | 'stopped' {
  const splitter = new CsvBatchSplitter(minBatch);
  const batches: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += piece) {
    const batch = splitter.push(bytes.subarray(i, i + piece));
    if (batch) batches.push(Buffer.from(batch));
    if (i % (piece * 3) === 0) {
      const early = splitter.flush();
      if (early) batches.push(Buffer.from(early));
    }
  }
  if (splitter.stopped) return 'stopped';
  const rest = splitter.rest();
  if (rest.length > 0) batches.push(rest);
  const out: Read[] = [];
  let offset = 0;
  batches.forEach((batch, i) => {
    const parsed = parseCsvBatch(batch, encoding, splitter.recordDelimiter, i === 0);
    for (const item of parsed.items) {
      if ('malformed' in item) out.push({ row: offset + item.row, malformed: item.malformed });
      else {
        expect(cellsOfRawRecord(item.raw, splitter.recordDelimiter)).toEqual(item.cells);
        out.push({ row: offset + item.row, cells: item.cells });
      }
    }
    offset += parsed.records;
  });
  return out;
}

function inFileOrder(rows: Read[]): Read[] {
  return [...rows].sort((a, b) => a.row - b.row || (a.malformed ? 1 : 0) - (b.malformed ? 1 : 0));
}

function randomCsv(random: () => number, length: number): string {
  const tokens = ['a', '订单', ',', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'x"y', '"q"', '1'];
  let text = '';
  while (text.length < length) text += tokens[Math.floor(random() * tokens.length)];
  return text;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('CsvBatchSplitter', () => {
  it('cuts only where the streaming reader ends a record: batches parsed apart give the same rows, cells and malformed rows', async () => {
    const random = seeded(15);
    let compared = 0;
    for (let n = 0; n < 600; n++) {
      const text = (random() < 0.2 ? '\uFEFF' : '') + randomCsv(random, 20 + Math.floor(random() * 300));
      const bytes = Buffer.from(text, 'utf8');
      const expected = await streamed(bytes, 'utf-8');
      const got = batched(bytes, 'utf-8', 1 + Math.floor(random() * 40), Math.floor(random() * 30));
      if (got === 'stopped') continue;
      // The stream reports a malformed record as csv-parse meets it, ahead of records still
      // buffered; batches report it in file order. Rows, cells and reasons must be the same.
      expect({ text, rows: got }).toEqual({ text, rows: inFileOrder(expected) });
      compared++;
    }
    // Most inputs are cut (only a bare CR as the first line end stops the cutting).
    expect(compared).toBeGreaterThan(250);
  });

  it('cuts GB18030 bytes at the same records, without decoding them', async () => {
    const text =
      '订单编号,收货人,地址\r\n1,"张三","北京市,朝阳区\r\n望京"\r\n2,李四,"上海""浦东"""\r\n\r\n3,王五,广州';
    const bytes = iconv.encode(text, 'gb18030');
    const expected = await streamed(bytes, 'gb18030');
    for (const piece of [1, 2, 3, 7, 64]) expect(batched(bytes, 'gb18030', piece, 0)).toEqual(expected);
    expect(expected.map((r) => r.row)).toEqual([1, 2, 3, 4]);
  });

  it('stops cutting at a record larger than its limit, and at old Mac line ends', () => {
    const big = new CsvBatchSplitter(0, 1024);
    big.push(Buffer.from(`a,b\n1,"${'x'.repeat(2000)}`));
    expect(big.stopped).toBe(true);
    expect(big.flush()).toBeNull();
    expect(big.rest().length).toBe(2007);
    const mac = new CsvBatchSplitter(0);
    expect(mac.push(Buffer.from('a,b\r1,2\r3,4\r'))).toBeNull();
    expect(mac.stopped).toBe(true);
  });
});
