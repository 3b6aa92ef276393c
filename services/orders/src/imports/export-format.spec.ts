import iconv from 'iconv-lite';
import { detectExportFormat } from './export-format';
import { ImportsError } from './imports.errors';

const csv = (encoding: string, mixed = false) => ({ kind: 'csv', encoding, mixedEncodingSuspected: mixed });
const refusal = (head: Buffer) => {
  try {
    detectExportFormat(head, true);
  } catch (err) {
    if (err instanceof ImportsError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('not refused');
};

describe('detectExportFormat (from the bytes, never the file name)', () => {
  const text = '订单号,收货人,手机\r\n123,张三,13912345678\r\n';

  it('reads UTF-8, with or without BOM, and UTF-16 with a BOM', () => {
    expect(detectExportFormat(Buffer.from(text), true)).toEqual(csv('utf-8'));
    expect(detectExportFormat(Buffer.from(`\uFEFF${text}`), true)).toEqual(csv('utf-8'));
    expect(
      detectExportFormat(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), true),
    ).toEqual(csv('utf-16le'));
  });

  it('recognises GBK / GB18030 exports, even short ones', () => {
    expect(detectExportFormat(iconv.encode(text, 'gbk'), true)).toEqual(csv('gb18030'));
    expect(detectExportFormat(iconv.encode('订单编号\r\n', 'gb18030'), true)).toEqual(csv('gb18030'));
  });

  it('reads a mostly-UTF-8 file with a stray GBK row as UTF-8, flagged as mixed', () => {
    const mixed = Buffer.concat([
      Buffer.from(text.repeat(20)),
      iconv.encode('456,李四,13800001111\r\n', 'gbk'),
    ]);
    expect(detectExportFormat(mixed, true)).toEqual(csv('utf-8', true));
  });

  it('does not mistake a UTF-8 character cut at the end of the sniffed head for another encoding', () => {
    const bytes = Buffer.from(text);
    expect(detectExportFormat(bytes.subarray(0, 5), false)).toEqual(csv('utf-8'));
  });

  it('recognises an .xlsx workbook by ZIP magic and its parts', () => {
    const head = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04]),
      Buffer.from('....[Content_Types].xml....xl/workbook.xml'),
    ]);
    expect(detectExportFormat(head, true)).toEqual({ kind: 'xlsx' });
  });

  it.each([
    [
      'a ZIP that is not a workbook',
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('orders.csv')]),
      /ZIP archive that is not an Excel workbook/,
    ],
    ['a PNG renamed .csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /PNG image/],
    ['a JPEG renamed .csv', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), /JPEG image/],
    ['a legacy .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), /legacy Excel/],
    ['a PDF', Buffer.from('%PDF-1.7'), /PDF document/],
    ['binary data', Buffer.from([0x61, 0x00, 0x62]), /binary data/],
  ])('refuses %s as not an order export', (_, head, message) => {
    expect(refusal(head)).toEqual({ code: 'NOT_AN_ORDER_EXPORT', message: expect.stringMatching(message) });
  });

  it('refuses an empty file and text in an encoding it cannot read, naming the guess', () => {
    expect(refusal(Buffer.alloc(0)).code).toBe('EMPTY_FILE');
    expect(refusal(Buffer.from('caf\xe9,na\xefve,\xe0 la carte\r\n', 'latin1'))).toEqual({
      code: 'UNSUPPORTED_ENCODING',
      message: expect.stringMatching(/neither UTF-8 nor GBK\/GB18030/),
    });
  });
});
