import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { FULFILMENT_PURPOSES, type FulfilmentPurpose } from '@siyu/privacy';
import { ORDERS_DB, ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { RevealBudgetRepository } from './reveal-budget.repository';

export const DEFAULT_REVEAL_DAILY_BUDGET = 500;

/**
 * Reveals per purpose per day, capped like the platforms' decrypt quotas (R16: a reveal is an
 * exception, not a way to export the vault). `REVEAL_DAILY_BUDGET_<PURPOSE>` (e.g.
 * `REVEAL_DAILY_BUDGET_AFTER_SALES=200`), else `REVEAL_DAILY_BUDGET`, else 500. Days are China days.
 */
@Injectable()
export class RevealBudget {
  readonly limits: Readonly<Record<FulfilmentPurpose, number>>;

  constructor(
    @Inject(ORDERS_OPTIONS) options: Pick<OrdersModuleOptions, 'env'>,
    private readonly usage: RevealBudgetRepository,
    @Inject(ORDERS_DB) private readonly ds: DataSource,
  ) {
    const read = (name: string): number | undefined => {
      const raw = options.env[name]?.trim();
      if (raw === undefined || raw === '') return undefined;
      if (!/^\d{1,9}$/.test(raw)) throw new Error(`${name} must be a whole number of reveals per day`);
      return Number(raw);
    };
    const fallback = read('REVEAL_DAILY_BUDGET') ?? DEFAULT_REVEAL_DAILY_BUDGET;
    this.limits = Object.fromEntries(
      FULFILMENT_PURPOSES.map((p) => [p, read(`REVEAL_DAILY_BUDGET_${p.toUpperCase()}`) ?? fallback]),
    ) as Record<FulfilmentPurpose, number>;
  }

  /** Counts one reveal in the caller's transaction; false (and nothing counted) when the day's budget is spent. */
  async consume(tx: EntityManager, purpose: FulfilmentPurpose): Promise<boolean> {
    const limit = this.limits[purpose];
    if (limit <= 0) return false;
    return this.usage.countOne(tx, purpose, limit);
  }

  /** Today's budget per purpose, for the after-sales page: the limit, what is used, what is left. */
  async today(): Promise<RevealBudgetLine[]> {
    const used = await this.usage.usedToday(this.ds.manager);
    return FULFILMENT_PURPOSES.map((purpose) => {
      const limit = this.limits[purpose];
      const spent = used.get(purpose) ?? 0;
      return { purpose, limit, used: spent, remaining: Math.max(0, limit - spent) };
    });
  }
}

export interface RevealBudgetLine {
  purpose: FulfilmentPurpose;
  limit: number;
  used: number;
  remaining: number;
}
