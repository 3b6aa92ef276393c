import type { EntityManager } from 'typeorm';
import { PostgresRateLimitStore } from '@siyu/http';

/** The public pages' (/q, /u, /p) per-address budgets: consent's table for the shared store. */
export class PageRateLimitRepository extends PostgresRateLimitStore {
  constructor(db: EntityManager) {
    super(db, 'page_rate_limits');
  }
}
