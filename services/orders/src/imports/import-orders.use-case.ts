import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { detectUnmaskedPii } from '@siyu/privacy';
import { ORDERS_DB } from '../orders.options';
import type { ExportRecord } from './csv-records';
import type { ExportColumns } from './export-columns';
import { readExportRecords } from './export-records';
import { ImportJobRepository } from './import-job.repository';
import { ImportTally, type ImportSummary } from './import-summary';
import { IngestOrderChunk, type PreparedOrder } from './ingest-order-chunk';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import type { ExportMappingFile } from './mapping-file';
import type { CellProblem, MappedOrder, PlatformExport } from './platform-export';
import { planExportColumns } from './platform-exports';

export interface RejectedRow {
  row: number;
  problems: CellProblem[];
  /** The row's original cells and the file's original header (for a rejects file the operator asked for). */
  cells: string[];
  header: string[];
}

export interface ImportOrdersCommand {
  platform: Platform;
  shopId: string;
  /** Actor id, recorded on the job. */
  requestedBy: string;
  /** The export's raw bytes, streamed (an HTTP request, a file stream): CSV or XLSX, any supported encoding. */
  source: AsyncIterable<Buffer | string>;
  /** An ops mapping file for a variant of the platform's export that the layout does not know. */
  mappingFile?: ExportMappingFile;
  onProgress?: (summary: ImportSummary) => void;
  onRejectedRow?: (rejected: RejectedRow) => void;
}

/** Orders per transaction: few round trips, and a failure loses at most this many rows' work. */
export const ORDERS_PER_CHUNK = 2000;
// Real order rows are far below this; a larger one is a broken line (issue §9, a 1 MB single line).
const MAX_ROW_CHARS = 64 * 1024;

interface OpenOrder {
  order: MappedOrder;
  row: number;
  cells: string[];
  lineKeys: Set<string>;
}

/**
 * Imports a platform order export: streams it, keeps only what the fulfilment purpose declares
 * (R4), reports unmasked PII by column and row (R1), seals receivers and buyer ids (R16), and
 * upserts in chunks, each chunk one transaction with its events. A refused file writes nothing;
 * a file that breaks off half-way keeps every chunk stored before the break.
 */
@Injectable()
export class ImportOrders {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly jobs: ImportJobRepository,
    private readonly ingestChunk: IngestOrderChunk,
  ) {}

  async execute(command: ImportOrdersCommand): Promise<ImportSummary> {
    const { platform, shopId } = command;
    const tally = new ImportTally(randomUUID(), platform, shopId);
    let header: string[] = [];
    const reject = (row: number, problems: CellProblem[], cells: string[]) => {
      tally.reject(row, problems);
      command.onRejectedRow?.({ row, problems, cells, header });
    };
    const { format, records } = await readExportRecords(command.source, (row, reason) => {
      tally.countRow();
      reject(row, [{ field: '(record)', reason }], []);
    });
    tally.file = { format: format.kind, encoding: format.kind === 'csv' ? format.encoding : null };
    try {
      const first = await records.next();
      if (first.done) throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file holds no header row');
      header = first.value.cells;
      // Refusals (format, encoding, platform, missing columns) happen above here: nothing is written.
      const { mapping, columns } = planExportColumns(header, platform, command.mappingFile);
      tally.droppedColumns = columns.droppedColumns;
      return await this.importRows(records, columns, mapping, tally, reject, command, format.kind === 'csv');
    } finally {
      // Stops reading on every exit; the caller drains or closes the source.
      await records.return(undefined);
    }
  }

  private async importRows(
    records: AsyncGenerator<ExportRecord>,
    columns: ExportColumns,
    mapping: PlatformExport,
    tally: ImportTally,
    reject: (row: number, problems: CellProblem[], cells: string[]) => void,
    command: ImportOrdersCommand,
    delimitedText: boolean,
  ): Promise<ImportSummary> {
    const context = { importId: tally.importId, platform: command.platform, shopId: command.shopId };
    const orderIdColumn =
      Object.keys(mapping.keptColumns).find((c) => mapping.keptColumns[c] === 'order_id' && columns.has(c)) ??
      'order_id';
    const amountColumn = mapping.amountColumns.find((c) => columns.has(c)) ?? mapping.amountColumns[0];
    const width = columns.labels.length;
    // A repeated order number is a broken export, not an update. Only the orders not yet stored are
    // held here; an earlier chunk's are recognised in the database (memory stays flat, issue §8).
    let firstRowOf = new Map<string, number>();
    const repeatReason = (first: number | null) =>
      mapping.rowPerLine
        ? `order number already appears in ${first ? `row ${first}` : 'an earlier row'}; rows of one order must follow each other`
        : `order number already appears in ${first ? `row ${first}` : 'an earlier row'} of this file`;
    let open: OpenOrder | null = null;
    let chunk: PreparedOrder[] = [];
    // The cells of the chunk's rows, for the rejects file should the database find a repeat.
    let chunkCells = new Map<number, string[]>();
    let jobStarted = false;
    // One chunk is written while the next is read and mapped: PostgreSQL and Node work in parallel.
    let inFlight: Promise<void> = Promise.resolve();

    const store = async (orders: PreparedOrder[], cellsOf: Map<number, string[]>) => {
      const outcome = await this.ds.transaction(async (tx) => {
        const stored = await this.ingestChunk.execute(tx, context, orders);
        for (const { row, firstRow } of stored.repeated ?? [])
          reject(row, [{ field: orderIdColumn, reason: repeatReason(firstRow) }], cellsOf.get(row) ?? []);
        await this.jobs.saveProgress(tx, tally.summary('running', stored));
        return stored;
      });
      tally.addStored(outcome);
      command.onProgress?.(tally.summary('running'));
    };
    const flush = async () => {
      await inFlight;
      if (chunk.length === 0) return;
      if (!jobStarted) {
        await this.jobs.start(tally.summary('running'), command.requestedBy);
        jobStarted = true;
      }
      const orders = chunk;
      const cellsOf = chunkCells;
      chunk = [];
      chunkCells = new Map();
      // The open order goes into the next chunk: it stays in the in-memory check.
      firstRowOf = open ? new Map([[open.order.platformOrderId, open.row]]) : new Map();
      inFlight = store(orders, cellsOf);
      // Surfaced by the next `await inFlight`; this only keeps it from counting as unhandled.
      inFlight.catch(() => undefined);
    };
    const close = () => {
      if (open) {
        if (open.order.lines.length === 0) tally.noteOrderWithoutLines(open.row);
        chunk.push(this.ingestChunk.prepare(context, open.order, open.row));
        chunkCells.set(open.row, open.cells);
      }
      open = null;
    };

    try {
      for await (const { row, cells, inexactNumbers } of records) {
        tally.countRow();
        // Buffered records resolve as microtasks: without a turn of the event loop now and then, the
        // chunk being written waits for its database replies until the parser runs dry.
        if (row % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const problems = inexactNumbers
          ? inexactNumbers.map((i) => ({
              field: columns.labels[i] ?? `(column ${i + 1})`,
              reason:
                'the workbook stores this as a number too long to be exact (digits were lost); export the column as text or as CSV',
            }))
          : rowProblems(cells, columns, width, delimitedText);
        // Every column, kept or dropped, is scanned; only kinds and row numbers are kept (R1).
        for (let i = 0; i < cells.length; i++) {
          const cell = cells[i];
          if (!cell) continue;
          const kinds = detectUnmaskedPii(cell);
          if (kinds.length > 0) tally.notePii(columns.labels[i] ?? `(column ${i + 1})`, row, kinds);
        }
        if (problems.length > 0) {
          reject(row, problems, cells);
          continue;
        }
        const mapped = mapping.mapRow(columns.readerFor(cells), columns.has);
        if ('problems' in mapped) {
          reject(row, mapped.problems, cells);
          continue;
        }
        const { order, lineKey } = mapped;
        const current = open as OpenOrder | null;
        if (current && current.order.platformOrderId === order.platformOrderId && mapping.rowPerLine) {
          if (current.lineKeys.has(lineKey)) {
            reject(
              row,
              [{ field: orderIdColumn, reason: `duplicate of row ${current.row}: same order and line` }],
              cells,
            );
          } else if (!mapping.amountPerLine && order.amountCents !== current.order.amountCents) {
            // The order's amount repeats on each of its rows: a row that disagrees is not read
            // right, and adding it up would be as wrong as keeping either (issue 9 §2).
            reject(
              row,
              [
                {
                  field: amountColumn,
                  reason: `amount differs from row ${current.row} of the same order: this column is the order's amount and repeats on each of its line rows`,
                },
              ],
              cells,
            );
          } else {
            current.lineKeys.add(lineKey);
            current.order.lines.push(...order.lines);
            // A line row's own amount (Douyin 子订单): the order's is their sum (issue 9 §2).
            if (mapping.amountPerLine) current.order.amountCents += order.amountCents;
            tally.countMergedLine();
          }
          continue;
        }
        const earlier = firstRowOf.get(order.platformOrderId);
        if (earlier !== undefined) {
          reject(row, [{ field: orderIdColumn, reason: repeatReason(earlier) }], cells);
          continue;
        }
        firstRowOf.set(order.platformOrderId, row);
        close();
        open = { order, row, cells, lineKeys: new Set([lineKey]) };
        // The open order may still gain lines: it goes into the next chunk.
        if (chunk.length >= ORDERS_PER_CHUNK) await flush();
      }
      close();
      await flush();
      await inFlight;
    } catch (err) {
      // Chunks already committed stay (each is whole); complete orders read before a break in the
      // file are stored too, then the job says how far it got.
      let stored = jobStarted;
      if (err instanceof ImportsError) {
        try {
          close();
          await flush();
          await inFlight;
          stored = jobStarted;
        } catch {
          // The original error is the one to report.
        }
      }
      if (stored)
        await this.jobs.finish({ ...tally.summary('failed'), status: 'failed' }).catch(() => undefined);
      if (err instanceof ImportsError && stored) {
        const s = tally.summary('failed');
        throw new ImportsError(err.code, err.message, {
          ...err.details,
          importId: s.importId,
          rows: s.rows,
          accepted: s.accepted,
          updated: s.updated,
        });
      }
      throw err;
    }
    if (tally.summary('running').rows === 0)
      throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file holds a header but no order rows');
    const summary = { ...tally.summary('completed'), status: 'completed' as const };
    if (!jobStarted) await this.jobs.start(summary, command.requestedBy);
    await this.jobs.finish(summary);
    return summary;
  }
}

/** Row-level problems that come before the platform mapping: size, encoding, a short row. */
function rowProblems(
  cells: string[],
  columns: ExportColumns,
  width: number,
  delimitedText: boolean,
): CellProblem[] {
  let chars = 0;
  for (const c of cells) chars += c.length;
  if (chars > MAX_ROW_CHARS)
    return [
      {
        field: '(row)',
        reason: `row is larger than ${MAX_ROW_CHARS / 1024} KiB: a broken line or a quote never closed`,
      },
    ];
  for (let i = 0; i < cells.length; i++) {
    if (cells[i].includes('\uFFFD'))
      return [
        {
          field: columns.labels[i] ?? `(column ${i + 1})`,
          reason:
            'holds bytes that are not text in the file’s encoding (the file mixes encodings); save the export in one encoding and import it again',
        },
      ];
  }
  // A text export's rows are as wide as its header; a shorter one was cut (truncated download).
  if (delimitedText && cells.length < width)
    return [
      {
        field: '(row)',
        reason: `row has ${cells.length} of ${width} columns: the file is truncated or the line is broken`,
      },
    ];
  return [];
}
