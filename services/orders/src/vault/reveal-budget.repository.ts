import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FulfilmentPurpose } from '@siyu/privacy';

/** Reveals counted per China day and purpose. */
@Injectable()
export class RevealBudgetRepository {
  /** Counts one reveal unless the day already has `limit`; false (nothing counted) when it has. */
  async countOne(tx: EntityManager, purpose: FulfilmentPurpose, limit: number): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO reveal_budget_usage (day, purpose, used)
       VALUES ((now() AT TIME ZONE 'Asia/Shanghai')::date, $1, 1)
       ON CONFLICT (day, purpose) DO UPDATE SET used = reveal_budget_usage.used + 1
         WHERE reveal_budget_usage.used < $2
       RETURNING used`,
      [purpose, limit],
    );
    return rows.length > 0;
  }

  /** Reveals counted today (China day) per purpose; purposes with none are absent. */
  async usedToday(manager: EntityManager): Promise<Map<FulfilmentPurpose, number>> {
    const rows: { purpose: FulfilmentPurpose; used: number }[] = await manager.query(
      `SELECT purpose, used FROM reveal_budget_usage
        WHERE day = (now() AT TIME ZONE 'Asia/Shanghai')::date`,
    );
    return new Map(rows.map((r) => [r.purpose, Number(r.used)]));
  }
}
