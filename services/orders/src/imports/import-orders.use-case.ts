import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { detectUnmaskedPii } from '@siyu/privacy';
import { ORDERS_DB } from '../orders.options';
import { readCsvRecords, type CsvRecord } from './csv-records';
import { ExportColumns } from './export-columns';
import { ImportJobRepository } from './import-job.repository';
import { ImportTally, type ImportSummary } from './import-summary';
import { IngestOrderChunk } from './ingest-order-chunk';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import { OrderRepository } from './order.repository';
import type { CellProblem, MappedOrder, PlatformExport } from './platform-export';
import { platformExportFor } from './platform-exports';

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
  /** The export's raw bytes, streamed (an HTTP request, a file stream). */
  source: AsyncIterable<Buffer | string>;
  onProgress?: (summary: ImportSummary) => void;
  onRejectedRow?: (rejected: RejectedRow) => void;
}

/**
 * Imports a platform order export: streams it, keeps only what the fulfilment purpose declares
 * (R4), reports unmasked PII by column and row (R1), seals receivers and buyer ids (R16), and
 * upserts in chunks, each chunk one transaction with its events. A refused file writes nothing.
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
    const mapping = platformExportFor(platform);
    const tally = new ImportTally(randomUUID(), platform, shopId);
    let header: string[] = [];
    const reject = (row: number, problems: CellProblem[], cells: string[]) => {
      tally.reject(row, problems);
      command.onRejectedRow?.({ row, problems, cells, header });
    };
    const records = readCsvRecords(command.source, (row, reason) => {
      tally.countRow();
      reject(row, [{ field: '(record)', reason }], []);
    });
    try {
      const first = await records.next();
      if (first.done) throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file holds no CSV header');
      header = first.value.cells;
      // Refusals (format, encoding, missing columns) happen above this line: nothing is written.
      const columns = ExportColumns.plan(header, mapping);
      tally.droppedColumns = columns.droppedColumns;
      await this.jobs.start(tally.summary('running'), command.requestedBy);
      return await this.importRows(records, columns, mapping, tally, reject, command);
    } finally {
      // Stops reading on every exit; the caller drains or closes the source.
      await records.return(undefined);
    }
  }

  private async importRows(
    records: AsyncGenerator<CsvRecord>,
    columns: ExportColumns,
    mapping: PlatformExport,
    tally: ImportTally,
    reject: (row: number, problems: CellProblem[], cells: string[]) => void,
    command: ImportOrdersCommand,
  ): Promise<ImportSummary> {
    const context = { importId: tally.importId, platform: command.platform, shopId: command.shopId };
    const orderIdColumn =
      Object.keys(mapping.keptColumns).find((c) => mapping.keptColumns[c] === 'order_id') ?? 'order_id';
    // Bounded by the file's order count; a repeated order number is a broken export, not an update.
    const firstRowOf = new Map<string, number>();
    let chunk: MappedOrder[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      const orders = chunk;
      chunk = [];
      const outcome = await this.ds.transaction(async (tx) => {
        const stored = await this.ingestChunk.execute(tx, context, orders);
        await this.jobs.saveProgress(tx, tally.summary('running', stored));
        return stored;
      });
      tally.addStored(outcome);
      command.onProgress?.(tally.summary('running'));
    };

    try {
      for await (const { row, cells } of records) {
        tally.countRow();
        // Every column, kept or dropped, is scanned; only kinds and row numbers are kept (R1).
        cells.forEach((cell, i) => {
          const kinds = cell ? detectUnmaskedPii(cell) : [];
          if (kinds.length > 0) tally.notePii(columns.labels[i] ?? `(column ${i + 1})`, row, kinds);
        });
        const mapped = mapping.mapRow(columns.readerFor(cells));
        if ('problems' in mapped) {
          reject(row, mapped.problems, cells);
          continue;
        }
        const earlier = firstRowOf.get(mapped.order.platformOrderId);
        if (earlier !== undefined) {
          reject(
            row,
            [{ field: orderIdColumn, reason: `order number already appears in row ${earlier} of this file` }],
            cells,
          );
          continue;
        }
        firstRowOf.set(mapped.order.platformOrderId, row);
        chunk.push(mapped.order);
        if (chunk.length >= OrderRepository.MAX_ROWS_PER_WRITE) await flush();
      }
      await flush();
    } catch (err) {
      // Chunks already committed stay (each is whole); the job says how far it got.
      await this.jobs.finish({ ...tally.summary('failed'), status: 'failed' }).catch(() => undefined);
      throw err;
    }
    const summary = { ...tally.summary('completed'), status: 'completed' as const };
    await this.jobs.finish(summary);
    return summary;
  }
}
