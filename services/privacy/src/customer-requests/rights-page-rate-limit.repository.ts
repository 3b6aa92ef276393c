import type { EntityManager } from 'typeorm';
import { PostgresRateLimitStore } from '@siyu/http';

/** The public request pages' (/rights) per-address budgets: privacy's table for the shared store. */
export class RightsPageRateLimitRepository extends PostgresRateLimitStore {
  constructor(db: EntityManager) {
    super(db, 'rights_page_rate_limits');
  }
}
