import type { Platform } from '@siyu/contracts';
import { PII_KINDS, type PiiKind } from '@siyu/privacy';
import type { CellProblem } from './platform-export';

export interface RowRejection {
  row: number;
  field: string;
  reason: string;
}

/** Where unmasked personal data arrived: kinds and row numbers, never values (R1, R4). */
export interface UnmaskedPiiFinding {
  kinds: PiiKind[];
  /** Row numbers (header = row 1), the first MAX_LISTED of them. */
  rows: number[];
  /** How many rows of this column held unmasked PII. */
  rowCount: number;
}

/**
 * Something stored that the operator should look at, though no row was refused: e.g. orders
 * stored without any item line (their released facts would carry no products, issue 9 §3).
 */
export interface ImportWarning {
  code: 'ORDER_WITHOUT_LINES';
  /** What is wrong and what to do, in words; never a cell's value. */
  message: string;
  /** Row numbers (header = row 1), the first MAX_LISTED of them. */
  rows: number[];
  rowCount: number;
}

export type ImportStatus = 'running' | 'completed' | 'failed';

export interface ImportSummary {
  importId: string;
  platform: Platform;
  shopId: string;
  status: ImportStatus;
  /**
   * Data rows read (the header not counted). Each is one of accepted, updated, unchanged, stale,
   * merged (a further line of an order whose rows are one per line) or rejected.
   */
  rows: number;
  /** New orders. */
  accepted: number;
  /** Known orders whose status, logistics or other kept data changed. */
  updated: number;
  /** Known orders identical to what is stored. */
  unchanged: number;
  /** Known orders whose stored state is newer than the file's: not applied (issue §1). */
  stale: number;
  /** Rows that were a further line of the order in the row before (exports with a row per 子订单). */
  mergedLines: number;
  rejectedRows: number;
  /** One entry per problem of a rejected row; the first MAX_LISTED of them. */
  rejected: RowRejection[];
  /** What the bytes said the file is: csv with its detected encoding, or xlsx (encoding null). */
  file: { format: 'csv' | 'xlsx'; encoding: string | null };
  /** Columns of the export that the fulfilment purpose does not need and that were not stored (R4). */
  droppedColumns: string[];
  unmaskedPii: Record<string, UnmaskedPiiFinding>;
  /** Stored, but worth a look (empty when there is nothing to say). */
  warnings: ImportWarning[];
}

export interface ChunkOutcome {
  accepted: number;
  updated: number;
  unchanged: number;
  stale: number;
  /** Orders an earlier chunk of the same import already stored: rejected, not written. */
  repeated?: { row: number; firstRow: number | null }[];
}

/** Bounds the summary (it is stored as jsonb) however large the file is. */
export const MAX_LISTED = 1000;

/** Running counts of one import. */
export class ImportTally {
  private rows = 0;
  private readonly stored: ChunkOutcome = { accepted: 0, updated: 0, unchanged: 0, stale: 0 };
  private mergedLines = 0;
  private rejectedRows = 0;
  private readonly rejected: RowRejection[] = [];
  private readonly pii = new Map<string, { kinds: Set<PiiKind>; rows: number[]; rowCount: number }>();
  private readonly withoutLines = { rows: [] as number[], rowCount: 0 };
  droppedColumns: string[] = [];
  file: ImportSummary['file'] = { format: 'csv', encoding: null };

  constructor(
    readonly importId: string,
    readonly platform: Platform,
    readonly shopId: string,
  ) {}

  countRow(): void {
    this.rows++;
  }

  countMergedLine(): void {
    this.mergedLines++;
  }

  reject(row: number, problems: CellProblem[]): void {
    this.rejectedRows++;
    for (const p of problems) {
      if (this.rejected.length < MAX_LISTED) this.rejected.push({ row, field: p.field, reason: p.reason });
    }
  }

  /** An order read with no item line (no SKU, title or item list in its rows). */
  noteOrderWithoutLines(row: number): void {
    this.withoutLines.rowCount++;
    if (this.withoutLines.rows.length < MAX_LISTED) this.withoutLines.rows.push(row);
  }

  notePii(column: string, row: number, kinds: PiiKind[]): void {
    let finding = this.pii.get(column);
    if (!finding) this.pii.set(column, (finding = { kinds: new Set(), rows: [], rowCount: 0 }));
    kinds.forEach((k) => finding.kinds.add(k));
    finding.rowCount++;
    if (finding.rows.length < MAX_LISTED) finding.rows.push(row);
  }

  /** Call once the chunk's transaction committed. */
  addStored(outcome: ChunkOutcome): void {
    this.stored.accepted += outcome.accepted;
    this.stored.updated += outcome.updated;
    this.stored.unchanged += outcome.unchanged;
    this.stored.stale += outcome.stale;
  }

  /** `pending`: a chunk about to commit, so progress written in its transaction includes it. */
  summary(status: ImportStatus, pending?: ChunkOutcome): ImportSummary {
    const unmaskedPii: Record<string, UnmaskedPiiFinding> = {};
    for (const [column, f] of this.pii) {
      unmaskedPii[column] = {
        kinds: PII_KINDS.filter((k) => f.kinds.has(k)),
        rows: [...f.rows],
        rowCount: f.rowCount,
      };
    }
    return {
      importId: this.importId,
      platform: this.platform,
      shopId: this.shopId,
      status,
      rows: this.rows,
      accepted: this.stored.accepted + (pending?.accepted ?? 0),
      updated: this.stored.updated + (pending?.updated ?? 0),
      unchanged: this.stored.unchanged + (pending?.unchanged ?? 0),
      stale: this.stored.stale + (pending?.stale ?? 0),
      mergedLines: this.mergedLines,
      rejectedRows: this.rejectedRows,
      rejected: [...this.rejected],
      file: { ...this.file },
      droppedColumns: [...this.droppedColumns],
      unmaskedPii,
      warnings: this.warnings(),
    };
  }

  private warnings(): ImportWarning[] {
    const { rows, rowCount } = this.withoutLines;
    if (rowCount === 0) return [];
    return [
      {
        code: 'ORDER_WITHOUT_LINES',
        message:
          'orders stored with no item lines: the export has no SKU, product name or item list for them, so their purchase facts carry no products; check the export (or map its item column with a mapping file) and import it again',
        rows: [...rows],
        rowCount,
      },
    ];
  }
}
