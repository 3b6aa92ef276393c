import type { PiiKind } from '@siyu/privacy';
import type { MappedOrder } from '../order-book/order';
import type { OrderDigests } from './order-digests';
import type { CellProblem } from './platform-export';

/**
 * The row's cells, or the raw text of its record, read again only if a rejects file needs the
 * cells (a worker thread hands back one string per row instead of an array of cells).
 */
export type RowSource = string[] | string;

/** One data row of an export, checked and mapped (on the importing thread or a worker thread). */
export interface ScreenedRow {
  /** Position in the file as a spreadsheet shows it: the header is row 1. */
  row: number;
  source: RowSource;
  /** Columns where unmasked personal data was found: kinds only, never values (R1). */
  pii?: { column: string; kinds: PiiKind[] }[];
  /** Why the row is refused; otherwise `order` and `lineKey` are set. */
  problems?: CellProblem[];
  order?: MappedOrder;
  lineKey?: string;
  /** The order's keyed digests, when a worker computed them with the mapping. */
  digests?: OrderDigests;
}
