import type { CellProblem, PlatformExport } from './platform-export';
import type { MappedOrder } from '../order-book/order';
import type { OrderDigests } from './order-digests';
import type { RowSource, ScreenedRow } from './screened-row';

/** An order being read: its first row, that row's cells (for a rejects file) and its line keys. */
export interface OpenOrder {
  order: MappedOrder;
  row: number;
  source: RowSource;
  lineKeys: Set<string>;
  /** Digests of the first row's order (from a worker); dropped when a further line changes the content. */
  digests?: OrderDigests;
}

/** What became of a mapped row: a further line of the open order, a refused row, or a new order. */
export type AssembledRow =
  | { kind: 'merged' }
  | { kind: 'rejected'; problems: CellProblem[] }
  /** `closed`: the order read before it, now whole (none for the file's first order). */
  | { kind: 'opened'; closed: OpenOrder | null };

/**
 * Turns mapped rows into whole orders. In exports with a row per line (子订单 / SKU), consecutive
 * rows of one order merge into it; an order number seen again anywhere else is a broken export,
 * not an update, and that row is refused.
 */
export class OrderAssembler {
  private open: OpenOrder | null = null;
  // Only the orders not yet handed to storage are held here; an earlier chunk's are recognised in
  // the database (memory stays flat, issue §8).
  private firstRowOf = new Map<string, number>();

  constructor(
    private readonly mapping: PlatformExport,
    /** The file's order-number column, named in problems. */
    readonly orderIdColumn: string,
    /** The file's amount column, named in problems. */
    private readonly amountColumn: string,
  ) {}

  /** `screened` is a row without problems (its `order` and `lineKey` are set). */
  take(screened: ScreenedRow): AssembledRow {
    const { row, source, digests } = screened;
    const order = screened.order!;
    const lineKey = screened.lineKey!;
    const current = this.open;
    if (current && current.order.platformOrderId === order.platformOrderId && this.mapping.rowPerLine)
      return this.merge(current, row, order, lineKey);
    const earlier = this.firstRowOf.get(order.platformOrderId);
    if (earlier !== undefined)
      return {
        kind: 'rejected',
        problems: [{ field: this.orderIdColumn, reason: this.repeatReason(earlier) }],
      };
    this.firstRowOf.set(order.platformOrderId, row);
    this.open = { order, row, source, lineKeys: new Set([lineKey]), digests };
    return { kind: 'opened', closed: current };
  }

  /** Closes the order still open (at the end of the file, or where it broke off). */
  finish(): OpenOrder | null {
    const last = this.open;
    this.open = null;
    return last;
  }

  /** A chunk went to storage: only the open order (it goes into the next chunk) stays in the repeat check. */
  forgetStored(): void {
    this.firstRowOf = this.open ? new Map([[this.open.order.platformOrderId, this.open.row]]) : new Map();
  }

  /** Why a repeated order number is refused; `first` is null when only the database knows the row. */
  repeatReason(first: number | null): string {
    const where = first ? `row ${first}` : 'an earlier row';
    return this.mapping.rowPerLine
      ? `order number already appears in ${where}; rows of one order must follow each other`
      : `order number already appears in ${where} of this file`;
  }

  private merge(current: OpenOrder, row: number, order: MappedOrder, lineKey: string): AssembledRow {
    if (current.lineKeys.has(lineKey))
      return {
        kind: 'rejected',
        problems: [
          { field: this.orderIdColumn, reason: `duplicate of row ${current.row}: same order and line` },
        ],
      };
    if (!this.mapping.amountPerLine && order.amountCents !== current.order.amountCents)
      // The order's amount repeats on each of its rows: a row that disagrees is not read right,
      // and adding it up would be as wrong as keeping either (issue 9 §2).
      return {
        kind: 'rejected',
        problems: [
          {
            field: this.amountColumn,
            reason: `amount differs from row ${current.row} of the same order: this column is the order's amount and repeats on each of its line rows`,
          },
        ],
      };
    current.lineKeys.add(lineKey);
    current.order.lines.push(...order.lines);
    // The fingerprint covers the lines: the order's digests are computed again when it is stored.
    current.digests = undefined;
    // A line row's own amount (Douyin 子订单): the order's is their sum (issue 9 §2).
    if (this.mapping.amountPerLine) current.order.amountCents += order.amountCents;
    return { kind: 'merged' };
  }
}
