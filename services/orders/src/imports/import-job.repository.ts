import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { ORDERS_DB } from '../orders.options';
import type { ImportStatus, ImportSummary } from './import-summary';

/** One line of the job list: the counts, not the per-row lists (GET /imports/:id has those). */
export interface ImportJobListing {
  importId: string;
  platform: string;
  shopId: string;
  status: ImportStatus;
  requestedBy: string;
  startedAt: string;
  finishedAt: string | null;
  rows: number;
  accepted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
}

@Injectable()
export class ImportJobRepository {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  async start(summary: ImportSummary, requestedBy: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO import_jobs (id, platform, shop_id, status, requested_by, summary) VALUES ($1, $2, $3, 'running', $4, $5::jsonb)`,
      [summary.importId, summary.platform, summary.shopId, requestedBy, JSON.stringify(summary)],
    );
  }

  /** Written in the chunk's transaction, so progress never runs ahead of committed rows. */
  async saveProgress(tx: EntityManager, summary: ImportSummary): Promise<void> {
    await tx.query('UPDATE import_jobs SET summary = $2::jsonb WHERE id = $1', [
      summary.importId,
      JSON.stringify(summary),
    ]);
  }

  async finish(summary: ImportSummary & { status: Exclude<ImportStatus, 'running'> }): Promise<void> {
    await this.ds.query(
      'UPDATE import_jobs SET status = $2, summary = $3::jsonb, finished_at = now() WHERE id = $1',
      [summary.importId, summary.status, JSON.stringify(summary)],
    );
  }

  /** Newest first; a running job shows the rows committed so far (saveProgress). */
  async listRecent(filter: {
    platform?: string;
    shopId?: string;
    status?: ImportStatus;
    limit: number;
  }): Promise<ImportJobListing[]> {
    const rows: {
      summary: ImportSummary;
      status: ImportStatus;
      requested_by: string;
      started_at: Date;
      finished_at: Date | null;
    }[] = await this.ds.query(
      `SELECT summary, status, requested_by, started_at, finished_at FROM import_jobs
        WHERE ($1::text IS NULL OR platform = $1) AND ($2::text IS NULL OR shop_id = $2)
          AND ($3::text IS NULL OR status = $3)
        ORDER BY started_at DESC, id
        LIMIT $4`,
      [filter.platform ?? null, filter.shopId ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map((r) => ({
      importId: r.summary.importId,
      platform: r.summary.platform,
      shopId: r.summary.shopId,
      status: r.status,
      requestedBy: r.requested_by,
      startedAt: new Date(r.started_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
      rows: r.summary.rows,
      accepted: r.summary.accepted,
      updated: r.summary.updated,
      unchanged: r.summary.unchanged,
      rejectedRows: r.summary.rejectedRows,
    }));
  }

  async findSummary(importId: string): Promise<ImportSummary | null> {
    const [row]: { summary: ImportSummary; status: ImportStatus }[] = await this.ds.query(
      'SELECT summary, status FROM import_jobs WHERE id = $1',
      [importId],
    );
    return row ? { ...row.summary, status: row.status } : null;
  }
}
