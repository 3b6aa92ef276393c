import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { ORDERS_DB } from '../orders.options';
import type { ImportStatus, ImportSummary } from './import-summary';

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

  async findSummary(importId: string): Promise<ImportSummary | null> {
    const [row]: { summary: ImportSummary; status: ImportStatus }[] = await this.ds.query(
      'SELECT summary, status FROM import_jobs WHERE id = $1',
      [importId],
    );
    return row ? { ...row.summary, status: row.status } : null;
  }
}
