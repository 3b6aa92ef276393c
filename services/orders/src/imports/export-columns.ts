import { normaliseCell, normaliseHeader } from './cell-values';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import type { CellReader, PlatformExport } from './platform-export';

/** How one export's header lines up with what the fulfilment purpose keeps (R4). */
export class ExportColumns {
  private constructor(
    /** Per cell position: the normalised header, or `(column N)` when it has none. */
    readonly labels: string[],
    private readonly keptIndex: ReadonlyMap<string, number>,
    private readonly keptColumns: ReadonlySet<string>,
    readonly droppedColumns: string[],
  ) {}

  /** Refuses the whole import when a required column is missing: nothing has been written yet. */
  static plan(rawHeader: string[], mapping: PlatformExport): ExportColumns {
    const headers = rawHeader.map(normaliseHeader);
    const present = new Set(headers);
    const missing = mapping.requiredColumns
      .filter((group) => !group.some((c) => present.has(c)))
      .map((group) => group.join(' or '));
    if (missing.length > 0) {
      throw new ImportsError(
        ImportsErrorCode.MISSING_COLUMNS,
        `this is not a ${mapping.label} export: required column(s) missing: ${missing.join(', ')}`,
        { missingColumns: missing },
      );
    }
    const keptIndex = new Map<string, number>();
    const dropped: string[] = [];
    headers.forEach((h, i) => {
      if (h in mapping.keptColumns) {
        if (!keptIndex.has(h)) keptIndex.set(h, i);
      } else if (h !== '' && !dropped.includes(h)) {
        dropped.push(h);
      }
    });
    return new ExportColumns(
      headers.map((h, i) => h || `(column ${i + 1})`),
      keptIndex,
      new Set(Object.keys(mapping.keptColumns)),
      dropped,
    );
  }

  /** Whether the file has this kept column at all (alternative headers: which one it uses). */
  readonly has = (column: string): boolean => this.keptIndex.has(column);

  /** Reads kept columns only: asking for a dropped one is a programming error (R4). */
  readerFor(cells: string[]): CellReader {
    return (column) => {
      const index = this.keptIndex.get(column);
      if (index !== undefined) return normaliseCell(cells[index] ?? '');
      if (this.keptColumns.has(column)) return '';
      throw new Error(`column ${column} is not kept by the mapping`);
    };
  }
}
