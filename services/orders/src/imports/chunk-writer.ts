import type { DataSource } from 'typeorm';
import { ImportJobRepository } from './import-job.repository';
import type { ImportSummary, ImportTally } from './import-summary';
import {
  IngestOrderChunk,
  type ChunkContext,
  type ChunkSealer,
  type PreparedOrder,
} from './ingest-order-chunk';
import type { OpenOrder } from './order-assembler';
import type { RowSource } from './screened-row';

/** Orders per transaction: few round trips, and a failure loses at most this many rows' work. */
export const ORDERS_PER_CHUNK = 2000;

/** The import a writer stores for, and whom it tells. */
export interface ChunkJob {
  context: ChunkContext;
  tally: ImportTally;
  requestedBy: string;
  onProgress?: (summary: ImportSummary) => void;
  /** The database found the order already stored by an earlier chunk of this file. */
  onRepeated: (row: number, firstRow: number | null, source: RowSource) => void;
  /** Seals each chunk and builds its COPY text on a worker thread (absent: on this thread). */
  seal?: ChunkSealer;
}

/**
 * Stores an import's whole orders in chunks, each one transaction (orders, events, job progress).
 * One chunk is written while the next is read and mapped, so PostgreSQL and Node work in parallel;
 * with a worker pool the chunk is sealed on a worker too, and this thread only pipes COPY text.
 * The job row is created with the first chunk: a file refused before any order writes nothing.
 */
export class ChunkWriter {
  private chunk: PreparedOrder[] = [];
  // The cells of the chunk's rows, for the rejects file should the database find a repeat.
  private cellsOf = new Map<number, RowSource>();
  private inFlight: Promise<void> = Promise.resolve();
  private started = false;

  constructor(
    private readonly ds: DataSource,
    private readonly jobs: ImportJobRepository,
    private readonly ingestChunk: IngestOrderChunk,
    private readonly job: ChunkJob,
  ) {}

  /** Whether the job row exists (some chunk was handed to the database). */
  get jobStarted(): boolean {
    return this.started;
  }

  get full(): boolean {
    return this.chunk.length >= ORDERS_PER_CHUNK;
  }

  /** Adds a whole order to the chunk being filled (its digests: from the worker, or computed here). */
  add(open: OpenOrder): void {
    this.chunk.push(this.ingestChunk.prepare(this.job.context, open.order, open.row, open.digests));
    this.cellsOf.set(open.row, open.source);
  }

  /**
   * Waits for the chunk in flight (its failure surfaces here), then starts writing the filled one
   * without waiting for it.
   */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.chunk.length === 0) return;
    if (!this.started) {
      await this.jobs.start(this.job.tally.summary('running'), this.job.requestedBy);
      this.started = true;
    }
    const orders = this.chunk;
    const cellsOf = this.cellsOf;
    this.chunk = [];
    this.cellsOf = new Map();
    this.inFlight = this.store(orders, cellsOf);
    // Surfaced by the next `await inFlight`; this only keeps it from counting as unhandled.
    this.inFlight.catch(() => undefined);
  }

  /** Writes what is left and waits until every chunk is committed. */
  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  private async store(orders: PreparedOrder[], cellsOf: Map<number, RowSource>): Promise<void> {
    const { tally } = this.job;
    const outcome = await this.ds.transaction(async (tx) => {
      const stored = await this.ingestChunk.execute(tx, this.job.context, orders, this.job.seal);
      for (const { row, firstRow } of stored.repeated ?? [])
        this.job.onRepeated(row, firstRow, cellsOf.get(row) ?? []);
      await this.jobs.saveProgress(tx, tally.summary('running', stored));
      return stored;
    });
    tally.addStored(outcome);
    this.job.onProgress?.(tally.summary('running'));
  }
}
