import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { ORDERS_DB } from '../orders.options';
import type { ExportRecord } from './csv-records';
import type { ExportColumns } from './export-columns';
import { readExportRecords, type ExportReading } from './export-records';
import { openRowsOnWorkers, type ScreenInThread } from './export-rows';
import { ImportWorkerPool } from './import-worker-pool';
import { ChunkWriter } from './chunk-writer';
import { ImportJobRepository } from './import-job.repository';
import { ImportTally, type ImportSummary } from './import-summary';
import { IngestOrderChunk } from './ingest-order-chunk';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import type { ExportMappingFile } from './mapping-file';
import { recordImportJob } from '@siyu/observability';
import { OrderAssembler, type OpenOrder } from './order-assembler';
import type { CellProblem, KeptField, PlatformExport } from './platform-export';
import { planExportColumns } from './platform-exports';
import type { RowSource, ScreenedRow } from './screened-row';
import { screenRecord } from './screen-record';

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

export { ORDERS_PER_CHUNK } from './chunk-writer';

type RejectRow = (row: number, problems: CellProblem[], source: RowSource) => void;

/** An export's data rows, screened on this thread or on the workers, and how to get a row's cells back. */
interface ExportRows {
  header: string[] | undefined;
  rows(columns: ExportColumns, mapping: PlatformExport): AsyncGenerator<ScreenedRow>;
  cellsOf(source: RowSource): string[];
  /** Stops reading (every exit, also a refusal before any row was read). */
  close(): Promise<unknown>;
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
    // Absent (tests, tools) or with 0 threads: every row is read on this thread.
    @Optional() private readonly workers?: ImportWorkerPool,
  ) {}

  async execute(command: ImportOrdersCommand): Promise<ImportSummary> {
    const { platform, shopId } = command;
    const tally = new ImportTally(randomUUID(), platform, shopId);
    let header: string[] = [];
    let cellsOf = (source: RowSource) => (typeof source === 'string' ? [] : source);
    const reject: RejectRow = (row, problems, source) => {
      tally.reject(row, problems);
      if (command.onRejectedRow) command.onRejectedRow({ row, problems, cells: cellsOf(source), header });
    };
    const reading = await readExportRecords(command.source, (row, reason) => {
      tally.countRow();
      reject(row, [{ field: '(record)', reason }], []);
    });
    const { format } = reading;
    tally.file = { format: format.kind, encoding: format.kind === 'csv' ? format.encoding : null };
    const exportRows = await this.openRows(reading, command);
    cellsOf = exportRows.cellsOf;
    try {
      if (!exportRows.header)
        throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file holds no header row');
      header = exportRows.header;
      // Refusals (format, encoding, platform, missing columns) happen above here: nothing is written.
      const { mapping, columns } = planExportColumns(header, platform, command.mappingFile);
      tally.droppedColumns = columns.droppedColumns;
      return await this.importRows(
        exportRows.rows(columns, mapping),
        columns,
        mapping,
        tally,
        reject,
        command,
      );
    } finally {
      // Stops reading on every exit; the caller drains or closes the source (a read still
      // pending on a stalled upload is not waited for).
      await exportRows.close();
      reading.bytes.return(undefined).catch(() => undefined);
    }
  }

  /**
   * Text exports in UTF-8 or GB18030 are cut into batches of whole records that worker threads
   * parse, screen, map and digest (issue 15); workbooks, UTF-16 text, a pool of 0 threads, and
   * files the cutter is unsure of are read on this thread, record by record.
   */
  private async openRows(reading: ExportReading, command: ImportOrdersCommand): Promise<ExportRows> {
    const { format } = reading;
    const delimitedText = format.kind === 'csv';
    const inThread = async (bytes?: AsyncGenerator<Buffer>): Promise<ExportRows> => {
      const records = reading.records(bytes);
      const first = await records.next();
      return {
        header: first.done ? undefined : first.value.cells,
        rows: (columns, mapping) =>
          screenedInThread(records, inThreadScreen(columns, mapping, delimitedText)),
        cellsOf: (source) => (typeof source === 'string' ? [] : source),
        close: () => records.return(undefined),
      };
    };
    if (
      !this.workers?.enabled ||
      format.kind !== 'csv' ||
      (format.encoding !== 'utf-8' && format.encoding !== 'gb18030')
    )
      return inThread();
    const opened = await openRowsOnWorkers(reading.bytes, format.encoding, this.workers);
    if ('inThread' in opened) return inThread(opened.inThread);
    const { onWorkers } = opened;
    const { platform, shopId, mappingFile } = command;
    return {
      header: onWorkers.header,
      cellsOf: onWorkers.cellsOf,
      rows: (columns, mapping) =>
        onWorkers.rows(
          randomUUID(),
          { platform, shopId, mappingFile, header: onWorkers.header },
          inThreadScreen(columns, mapping, true),
        ),
      close: async () => undefined,
    };
  }

  /**
   * Takes the screened rows into whole orders and stores them chunk by chunk: each row's PII
   * findings and problems are tallied, each good row assembled into its order, and each whole
   * order queued for the next chunk.
   */
  private async importRows(
    rows: AsyncGenerator<ScreenedRow>,
    columns: ExportColumns,
    mapping: PlatformExport,
    tally: ImportTally,
    reject: RejectRow,
    command: ImportOrdersCommand,
  ): Promise<ImportSummary> {
    const assembler = new OrderAssembler(
      mapping,
      columnOf(mapping, columns, 'order_id') ?? 'order_id',
      mapping.amountColumns.find((c) => columns.has(c)) ?? mapping.amountColumns[0],
    );
    const writer = new ChunkWriter(this.ds, this.jobs, this.ingestChunk, {
      context: { importId: tally.importId, platform: command.platform, shopId: command.shopId },
      tally,
      requestedBy: command.requestedBy,
      onProgress: command.onProgress,
      onRepeated: (row, firstRow, source) =>
        reject(row, [{ field: assembler.orderIdColumn, reason: assembler.repeatReason(firstRow) }], source),
      // Sealing and COPY text on the workers too (issue 15): this thread keeps the transaction.
      seal: this.workers?.enabled ? (task) => this.workers!.sealChunk(task) : undefined,
    });
    const queue = (whole: OpenOrder | null) => {
      if (!whole) return;
      if (whole.order.lines.length === 0) tally.noteOrderWithoutLines(whole.row);
      writer.add(whole);
    };

    try {
      for await (const screened of rows) {
        tally.countRow();
        // Buffered records resolve as microtasks: without a turn of the event loop now and then, the
        // chunk being written waits for its database replies until the parser runs dry.
        if (screened.row % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        for (const { column, kinds } of screened.pii ?? []) tally.notePii(column, screened.row, kinds);
        if (screened.problems) {
          reject(screened.row, screened.problems, screened.source);
          continue;
        }
        const assembled = assembler.take(screened);
        if (assembled.kind === 'rejected') reject(screened.row, assembled.problems, screened.source);
        else if (assembled.kind === 'merged') tally.countMergedLine();
        else {
          queue(assembled.closed);
          // The order just opened may still gain lines: it goes into the next chunk.
          if (writer.full) {
            await writer.flush();
            assembler.forgetStored();
          }
        }
      }
      queue(assembler.finish());
      await writer.drain();
    } catch (err) {
      throw await this.stopAfter(err, () => queue(assembler.finish()), writer, tally, command.platform);
    }
    return this.complete(tally, writer, command.requestedBy, command.platform);
  }

  /**
   * The file broke off or a write failed. Chunks already committed stay (each is whole); on a
   * break in the file, complete orders read before it are stored too; then the job says how far
   * it got. Returns the error to throw.
   */
  private async stopAfter(
    err: unknown,
    queueLastOrder: () => void,
    writer: ChunkWriter,
    tally: ImportTally,
    platform: string,
  ): Promise<unknown> {
    let stored = writer.jobStarted;
    if (err instanceof ImportsError) {
      try {
        queueLastOrder();
        await writer.drain();
        stored = writer.jobStarted;
      } catch {
        // The original error is the one to report.
      }
    }
    if (stored)
      await this.jobs.finish({ ...tally.summary('failed'), status: 'failed' }).catch(() => undefined);
    if (stored) recordImportJob(platform, 'failed', tally.summary('failed'));
    if (!(err instanceof ImportsError && stored)) return err;
    const s = tally.summary('failed');
    return new ImportsError(err.code, err.message, {
      ...err.details,
      importId: s.importId,
      rows: s.rows,
      accepted: s.accepted,
      updated: s.updated,
    });
  }

  /** Every row read: the job completes (created now when no order was stored, e.g. all rejected). */
  private async complete(
    tally: ImportTally,
    writer: ChunkWriter,
    requestedBy: string,
    platform: string,
  ): Promise<ImportSummary> {
    if (tally.summary('running').rows === 0)
      throw new ImportsError(ImportsErrorCode.EMPTY_FILE, 'the file holds a header but no order rows');
    const summary = { ...tally.summary('completed'), status: 'completed' as const };
    if (!writer.jobStarted) await this.jobs.start(summary, requestedBy);
    await this.jobs.finish(summary);
    recordImportJob(platform, 'completed', summary);
    return summary;
  }
}

/** The first of the file's columns that the mapping keeps as `field`. */
function columnOf(mapping: PlatformExport, columns: ExportColumns, field: KeptField): string | undefined {
  return Object.keys(mapping.keptColumns).find((c) => mapping.keptColumns[c] === field && columns.has(c));
}

/** Screens records on this thread: the row checks and PII scan, then the mapping (R1, R4). */
function inThreadScreen(
  columns: ExportColumns,
  mapping: PlatformExport,
  delimitedText: boolean,
): ScreenInThread {
  return (record) => {
    let pii: ScreenedRow['pii'];
    const mapped = screenRecord(record, columns, mapping, delimitedText, (column, _row, kinds) =>
      (pii ??= []).push({ column, kinds }),
    );
    return 'problems' in mapped
      ? { row: record.row, source: record.cells, pii, problems: mapped.problems }
      : { row: record.row, source: record.cells, pii, order: mapped.order, lineKey: mapped.lineKey };
  };
}

async function* screenedInThread(
  records: AsyncGenerator<ExportRecord>,
  screen: ScreenInThread,
): AsyncGenerator<ScreenedRow> {
  for await (const record of records) yield screen(record);
}
