/**
 * Cuts the bytes of a delimited-text export into batches of whole records, so worker threads can
 * parse them apart (issue 15). A cut is made only where csv-parse, reading the whole file, ends a
 * record: at its record delimiter (learnt from the first line break outside quotes, as csv-parse
 * does) outside quotes, with `relax_quotes` (a quote inside an unquoted cell is a character, a
 * closing quote followed by more text ends the quoting). The bytes looked at — `"` `,` CR LF —
 * never occur inside a multi-byte character of UTF-8 or GB18030, so nothing is decoded here.
 * Where this reader is not sure (old Mac line ends, a record over `maxRecordBytes`) it stops
 * cutting: the caller reads the rest of the file as one stream, as without workers.
 */
export class CsvBatchSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of `pending` already read, and the offset just after its last complete record. */
  private scanned = 0;
  private lastBoundary = 0;
  private state = FIELD_START;
  private mode: 'unknown' | 'lf' | 'crlf' = 'unknown';
  private unsure = false;
  private started = false;

  constructor(
    private readonly minBatchBytes = 64 * 1024,
    private readonly maxRecordBytes = 1024 * 1024,
  ) {}

  /** Whether cutting stopped; `rest()` then holds every byte not yet handed out. */
  get stopped(): boolean {
    return this.unsure;
  }

  /** The record delimiter batches are to be parsed with (the file's, as csv-parse detects it). */
  get recordDelimiter(): '\n' | '\r\n' | undefined {
    return this.mode === 'lf' ? '\n' : this.mode === 'crlf' ? '\r\n' : undefined;
  }

  /** Takes the next bytes; answers the records now complete once they reach `minBatchBytes`. */
  push(chunk: Buffer): Buffer | null {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.unsure) return null;
    this.scan();
    return !this.unsure && this.lastBoundary > 0 && this.lastBoundary >= this.minBatchBytes
      ? this.take()
      : null;
  }

  /** The complete records read so far, whatever their size (the source stalled), or null. */
  flush(): Buffer | null {
    return this.unsure || this.lastBoundary === 0 ? null : this.take();
  }

  /** Every byte not handed out: the last record of a file with no final line break, or all after a stop. */
  rest(): Buffer {
    const all = this.pending;
    this.pending = Buffer.alloc(0);
    this.scanned = 0;
    this.lastBoundary = 0;
    return all;
  }

  private scan(): void {
    const bytes = this.pending;
    let i = this.scanned;
    if (!this.started) {
      // A byte-order mark is not part of the first cell (the stream decoder strips it).
      if (bytes.length < 4) return;
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
      else if (bytes[0] === 0x84 && bytes[1] === 0x31 && bytes[2] === 0x95 && bytes[3] === 0x33) i = 4;
    }
    let state = this.state;
    for (; i < bytes.length; i++) {
      const b = bytes[i];
      if (state === QUOTED) {
        if (b === QUOTE) state = QUOTE_IN_QUOTED;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        if (b === QUOTE) {
          state = QUOTED; // an escaped quote
          continue;
        }
        // The quoting ends; text after it joins the cell (relax_quotes).
        state = UNQUOTED;
      }
      if (b === CR || b === LF) {
        const length = this.delimiterAt(bytes, i);
        if (length < 0 || this.unsure) break;
        if (length > 0) {
          i += length - 1;
          this.lastBoundary = i + 1;
          state = FIELD_START;
        } else state = UNQUOTED;
      } else if (b === COMMA) state = FIELD_START;
      else if (state === FIELD_START) state = b === QUOTE ? QUOTED : UNQUOTED;
    }
    this.state = state;
    this.scanned = i;
    if (bytes.length - this.lastBoundary > this.maxRecordBytes) this.unsure = true;
  }

  /** Length of the record delimiter at `i` (0: a plain character here; -1: the next byte is needed). */
  private delimiterAt(bytes: Buffer, i: number): number {
    const b = bytes[i];
    if (this.mode === 'lf') return b === LF ? 1 : 0;
    if (this.mode === 'unknown' && b === LF) {
      this.mode = 'lf';
      return 1;
    }
    if (b !== CR) return 0;
    if (i + 1 >= bytes.length) return -1;
    if (bytes[i + 1] === LF) {
      this.mode = 'crlf';
      return 2;
    }
    // A bare CR as the file's first line end: csv-parse would split on it; not cut here.
    if (this.mode === 'unknown') this.unsure = true;
    return 0;
  }

  private take(): Buffer {
    const batch = this.pending.subarray(0, this.lastBoundary);
    this.pending = this.pending.subarray(this.lastBoundary);
    this.scanned -= this.lastBoundary;
    this.lastBoundary = 0;
    return batch;
  }
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
