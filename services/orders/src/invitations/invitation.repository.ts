import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ORDERS_DB } from '../orders.options';

@Injectable()
export class InvitationRepository {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  /**
   * The order's WeCom state, created on first use; a re-issue extends its life. `candidate` is
   * used only when the order has none yet.
   */
  async wecomStateFor(orderRef: string, candidate: string, expiresAt: Date): Promise<string> {
    const [row]: { state: string }[] = await this.ds.query(
      `INSERT INTO invitation_wecom_states (state, order_ref, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (order_ref) DO UPDATE
         SET expires_at = greatest(invitation_wecom_states.expires_at, EXCLUDED.expires_at)
       RETURNING state`,
      [candidate, orderRef, expiresAt],
    );
    return row.state;
  }

  /** The order a WeCom add-contact callback's state stands for, while it is valid. */
  async findOrderRefByWecomState(state: string): Promise<string | null> {
    const [row]: { order_ref: string }[] = await this.ds.query(
      'SELECT order_ref FROM invitation_wecom_states WHERE state = $1 AND expires_at > now()',
      [state],
    );
    return row?.order_ref ?? null;
  }

  /**
   * Orders of a shop whose parcel left on a China calendar day (`shipped_at`: the export's
   * 发货时间, else the first import that showed it shipped), unless closed since.
   */
  async findShippedOn(shopId: string, day: string): Promise<string[]> {
    const rows: { order_ref: string }[] = await this.ds.query(
      `SELECT order_ref FROM orders
        WHERE shop_id = $1 AND status <> 'closed'
          AND shipped_at >= ($2::date::timestamp AT TIME ZONE 'Asia/Shanghai')
          AND shipped_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
        ORDER BY ordered_at, order_ref`,
      [shopId, day],
    );
    return rows.map((r) => r.order_ref);
  }
}
