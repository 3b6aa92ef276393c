import chardet from 'chardet';
import iconv from 'iconv-lite';
import { ImportsError, ImportsErrorCode } from './imports.errors';

/** What the first bytes say the file is: a workbook, or delimited text in one encoding. */
export type ExportFormat =
  { kind: 'xlsx' } | { kind: 'csv'; encoding: TextEncoding; mixedEncodingSuspected: boolean };

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** Detection reads at most this much; the rest streams through untouched. */
export const SNIFF_BYTES = 64 * 1024;

const NOT_AN_EXPORT: [bytes: number[], what: string][] = [
  [
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    'a legacy Excel (.xls) workbook; save it as .xlsx or CSV',
  ],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x42, 0x4d], 'a BMP image'],
];

const refuse = (what: string) =>
  new ImportsError(
    ImportsErrorCode.NOT_AN_ORDER_EXPORT,
    `the file is ${what}, not an order export; upload the CSV or XLSX file the platform exported`,
  );

/**
 * Decides from the bytes, never from the file name (issue §1): ZIP magic plus workbook parts for
 * XLSX; a BOM, else UTF-8 validity, else chardet for GBK/GB18030. `complete` = the head is the whole file.
 */
export function detectExportFormat(head: Buffer, complete: boolean): ExportFormat {
  if (head.length === 0) throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file is empty');
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    // An .xlsx is a ZIP whose first parts are [Content_Types].xml, _rels/ and xl/.
    const latin = head.toString('latin1');
    if (latin.includes('[Content_Types].xml') && latin.includes('xl/')) return { kind: 'xlsx' };
    throw refuse('a ZIP archive that is not an Excel workbook');
  }
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && head.subarray(8, 12).toString('latin1') === 'WEBP')
    throw refuse('a WebP image');
  for (const [signature, what] of NOT_AN_EXPORT) if (startsWith(head, signature)) throw refuse(what);

  if (startsWith(head, [0xef, 0xbb, 0xbf]))
    return { kind: 'csv', encoding: 'utf-8', mixedEncodingSuspected: !isUtf8(head.subarray(3), complete) };
  if (startsWith(head, [0xff, 0xfe]))
    return { kind: 'csv', encoding: 'utf-16le', mixedEncodingSuspected: false };
  if (startsWith(head, [0xfe, 0xff]))
    return { kind: 'csv', encoding: 'utf-16be', mixedEncodingSuspected: false };
  if (head.includes(0)) throw refuse('binary data');

  const utf8 = utf8Share(head, complete);
  if (utf8.invalid === 0) return { kind: 'csv', encoding: 'utf-8', mixedEncodingSuspected: false };
  // Mostly UTF-8 with a few stray sequences: a file pasted together from two exports. Read it as
  // UTF-8; rows holding undecodable bytes are rejected one by one (issue §9, mixed encodings).
  if (utf8.valid >= 4 * utf8.invalid) return { kind: 'csv', encoding: 'utf-8', mixedEncodingSuspected: true };
  const guesses = chardet.analyse(head);
  const gb = guesses.find((g) => /^GB/i.test(g.name));
  if (gb && !iconv.decode(head.subarray(0, trimIncompleteGb(head, complete)), 'gb18030').includes('\uFFFD'))
    return { kind: 'csv', encoding: 'gb18030', mixedEncodingSuspected: false };
  const top = guesses[0]?.name ?? 'unknown';
  throw new ImportsError(
    ImportsErrorCode.UNSUPPORTED_ENCODING,
    `the file is neither UTF-8 nor GBK/GB18030 text (it looks like ${top}); export it again as CSV or XLSX`,
    { detectedEncoding: top },
  );
}

function startsWith(head: Buffer, signature: number[]): boolean {
  return head.length >= signature.length && signature.every((b, i) => head[i] === b);
}

function isUtf8(bytes: Buffer, complete: boolean): boolean {
  return utf8Share(bytes, complete).invalid === 0;
}

/** Counts well-formed multi-byte UTF-8 sequences and stray bytes; a sequence cut at the end of an incomplete head is fine. */
function utf8Share(bytes: Buffer, complete: boolean): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) {
      invalid++;
      i++;
      continue;
    }
    if (i + length > bytes.length) {
      if (complete) invalid++;
      break;
    }
    let ok = true;
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) ok = false;
    if (ok) {
      valid++;
      i += length;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

/** Length of `head` without a double-byte character cut in half at its end. */
function trimIncompleteGb(head: Buffer, complete: boolean): number {
  if (complete) return head.length;
  let i = 0;
  while (i < head.length) i += head[i] < 0x80 ? 1 : 2;
  return i > head.length ? head.length - 1 : head.length;
}
