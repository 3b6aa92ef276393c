import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { ORDERS_DB } from '../orders.options';
import type { ExportRecord } from './csv-records';
import type { ExportColumns } from './export-columns';
import { readExportRecords } from './export-records';
import { ChunkWriter } from './chunk-writer';
import { ImportJobRepository } from './import-job.repository';
import { ImportTally, type ImportSummary } from './import-summary';
import { IngestOrderChunk } from './ingest-order-chunk';
import { ImportsError, ImportsErrorCode } from './imports.errors';
import type { ExportMappingFile } from './mapping-file';
import { recordImportJob } from '@siyu/observability';
import { OrderAssembler, type OpenOrder } from './order-assembler';
import type { CellProblem, KeptField, PlatformExport } from './platform-export';
import { ImportWorkerPool } from './import-worker-pool';
import type { ScreenedRecord } from './map-export-record';
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

export { ORDERS_PER_CHUNK } from './chunk-writer';

type RejectRow = (row: number, problems: CellProblem[], cells: string[]) => void;

/** Records (or malformed ones, with why) read but not yet taken, in file order. */
type Pending = (ExportRecord | { row: number; reason: string })[];
interface InFlight {
  batch: Pending;
  screened: Promise<ScreenedRecord[]>;
}
/** Where a malformed record goes while rows flow (null before the header and after the last row). */
interface MalformedRows {
  pending: Pending | null;
}

// Records per worker task: large enough that the hand-over is cheap next to the work.
const RECORDS_PER_BATCH = 500;
// Batches being screened at once: keeps every thread busy, and bounds what is read ahead.
const MAX_BATCHES_IN_FLIGHT = 4;

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
    private readonly workers: ImportWorkerPool,
  ) {}

  async execute(command: ImportOrdersCommand): Promise<ImportSummary> {
    const { platform, shopId } = command;
    const tally = new ImportTally(randomUUID(), platform, shopId);
    let header: string[] = [];
    const reject: RejectRow = (row, problems, cells) => {
      tally.reject(row, problems);
      command.onRejectedRow?.({ row, problems, cells, header });
    };
    // A malformed record found while rows flow joins the batch being filled, so it is counted and
    // reported in file order with the rows around it.
    const malformed: MalformedRows = { pending: null };
    const { format, records } = await readExportRecords(command.source, (row, reason) => {
      if (malformed.pending) return void malformed.pending.push({ row, reason });
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
      return await this.importRows(records, columns, mapping, tally, reject, command, {
        header,
        delimitedText: format.kind === 'csv',
        malformed,
      });
    } finally {
      // Stops reading on every exit; the caller drains or closes the source.
      await records.return(undefined);
    }
  }

  /**
   * Reads the rows into whole orders and stores them chunk by chunk. Records go in batches to the
   * worker pool (screened and mapped there, several batches at once) and come back in file order:
   * each is assembled into its order, and each whole order queued for the next chunk. At most
   * MAX_BATCHES_IN_FLIGHT batches are out, and a full chunk waits for the one being written, so
   * memory stays bounded whatever the file's size (back-pressure reaches the file stream).
   */
  private async importRows(
    records: AsyncGenerator<ExportRecord>,
    columns: ExportColumns,
    mapping: PlatformExport,
    tally: ImportTally,
    reject: RejectRow,
    command: ImportOrdersCommand,
    plan: { header: string[]; delimitedText: boolean; malformed: MalformedRows },
  ): Promise<ImportSummary> {
    const assembler = new OrderAssembler(
      mapping,
      columnOf(mapping, columns, 'order_id') ?? 'order_id',
      mapping.amountColumns.find((c) => columns.has(c)) ?? mapping.amountColumns[0],
    );
    const writer = new ChunkWriter(this.ds, this.jobs, this.ingestChunk, this.workers, {
      context: { importId: tally.importId, platform: command.platform, shopId: command.shopId },
      tally,
      requestedBy: command.requestedBy,
      onProgress: command.onProgress,
      onRepeated: (row, firstRow, cells) =>
        reject(row, [{ field: assembler.orderIdColumn, reason: assembler.repeatReason(firstRow) }], cells),
    });
    const queue = (whole: OpenOrder | null) => {
      if (!whole) return;
      if (whole.order.lines.length === 0) tally.noteOrderWithoutLines(whole.row);
      writer.add(whole);
    };
    const submit = (batch: Pending): InFlight => {
      const rows = batch.filter((entry): entry is ExportRecord => 'cells' in entry);
      const screened = this.workers.mapRecords({
        header: plan.header,
        platform: command.platform,
        mappingFile: command.mappingFile,
        delimitedText: plan.delimitedText,
        records: rows,
      });
      // Surfaced where the batch is taken; this keeps it from counting as unhandled meanwhile.
      screened.catch(() => undefined);
      return { batch, screened };
    };
    // Takes one batch's results, in file order: malformed records are in sequence with the others.
    const take = async ({ batch, screened }: InFlight) => {
      const results = await screened;
      let next = 0;
      for (const entry of batch) {
        tally.countRow();
        if (!('cells' in entry)) {
          reject(entry.row, [{ field: '(record)', reason: entry.reason }], []);
          continue;
        }
        const { row, mapped, pii } = results[next++];
        for (const finding of pii) tally.notePii(finding.column, row, finding.kinds);
        if ('problems' in mapped) {
          reject(row, mapped.problems, entry.cells);
          continue;
        }
        const assembled = assembler.take(row, mapped.order, mapped.lineKey, entry.cells);
        if (assembled.kind === 'rejected') reject(row, assembled.problems, entry.cells);
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
    };

    const inFlight: InFlight[] = [];
    let batch: Pending = [];
    plan.malformed.pending = batch;
    try {
      let broken: ImportsError | null = null;
      try {
        for await (const record of records) {
          batch.push(record);
          if (batch.length < RECORDS_PER_BATCH) continue;
          inFlight.push(submit(batch));
          plan.malformed.pending = batch = [];
          if (inFlight.length >= MAX_BATCHES_IN_FLIGHT) await take(inFlight.shift()!);
        }
      } catch (err) {
        // A break in the file: the records read before it are still taken, in order.
        if (!(err instanceof ImportsError)) throw err;
        broken = err;
      }
      plan.malformed.pending = null;
      if (batch.length > 0) inFlight.push(submit(batch));
      while (inFlight.length > 0) await take(inFlight.shift()!);
      if (broken) throw broken;
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
