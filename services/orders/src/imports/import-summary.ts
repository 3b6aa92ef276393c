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
    };
  }
}
