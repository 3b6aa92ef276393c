import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Platform } from '@siyu/contracts';
import { detectUnmaskedPii } from '@siyu/privacy';
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
import type { CellProblem, KeptField, MappedRow, PlatformExport } from './platform-export';
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
// Real order rows are far below this; a larger one is a broken line (issue §9, a 1 MB single line).
const MAX_ROW_CHARS = 64 * 1024;

type RejectRow = (row: number, problems: CellProblem[], cells: string[]) => void;

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
    const reject: RejectRow = (row, problems, cells) => {
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

  /**
   * Reads the rows into whole orders and stores them chunk by chunk: each row is checked and
   * mapped, assembled into its order, and each whole order queued for the next chunk.
   */
  private async importRows(
    records: AsyncGenerator<ExportRecord>,
    columns: ExportColumns,
    mapping: PlatformExport,
    tally: ImportTally,
    reject: RejectRow,
    command: ImportOrdersCommand,
    delimitedText: boolean,
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
      onRepeated: (row, firstRow, cells) =>
        reject(row, [{ field: assembler.orderIdColumn, reason: assembler.repeatReason(firstRow) }], cells),
    });
    const queue = (whole: OpenOrder | null) => {
      if (!whole) return;
      if (whole.order.lines.length === 0) tally.noteOrderWithoutLines(whole.row);
      writer.add(whole);
    };

    try {
      for await (const record of records) {
        tally.countRow();
        // Buffered records resolve as microtasks: without a turn of the event loop now and then, the
        // chunk being written waits for its database replies until the parser runs dry.
        if (record.row % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const mapped = mapRecord(record, columns, mapping, tally, delimitedText);
        if ('problems' in mapped) {
          reject(record.row, mapped.problems, record.cells);
          continue;
        }
        const assembled = assembler.take(record.row, mapped.order, mapped.lineKey, record.cells);
        if (assembled.kind === 'rejected') reject(record.row, assembled.problems, record.cells);
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

/**
 * Checks one record and maps it to an order. Every column, kept or dropped, is scanned for
 * unmasked PII first, whatever else is wrong with the row; only kinds and row numbers are kept (R1).
 */
function mapRecord(
  { row, cells, inexactNumbers }: ExportRecord,
  columns: ExportColumns,
  mapping: PlatformExport,
  tally: ImportTally,
  delimitedText: boolean,
): MappedRow {
  const problems = inexactNumbers
    ? inexactNumbers.map((i) => ({
        field: columns.labels[i] ?? `(column ${i + 1})`,
        reason:
          'the workbook stores this as a number too long to be exact (digits were lost); export the column as text or as CSV',
      }))
    : rowProblems(cells, columns, columns.labels.length, delimitedText);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!cell) continue;
    const kinds = detectUnmaskedPii(cell);
    if (kinds.length > 0) tally.notePii(columns.labels[i] ?? `(column ${i + 1})`, row, kinds);
  }
  if (problems.length > 0) return { problems };
  return mapping.mapRow(columns.readerFor(cells), columns.has);
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
