import { Inject, Injectable } from '@nestjs/common';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';

const DEFAULT_POLL_MS = 200;

/**
 * Push configuration from the environment: `ORDER_PUSH_SECRETS` = `shopId:secret,…` (each shop's
 * push signing secret) and `ORDER_PUSH_POLL_MS` (processor interval; 0 turns the loop off).
 */
@Injectable()
export class PushSettings {
  private readonly secrets: Map<string, string>;
  readonly pollIntervalMs: number;

  constructor(@Inject(ORDERS_OPTIONS) options: OrdersModuleOptions) {
    this.secrets = new Map();
    for (const entry of (options.env.ORDER_PUSH_SECRETS ?? '').split(',')) {
      const at = entry.indexOf(':');
      if (at <= 0) continue;
      const shop = entry.slice(0, at).trim();
      const secret = entry.slice(at + 1).trim();
      // A short secret is guessable; such a shop simply has no push door.
      if (shop && secret.length >= 16) this.secrets.set(shop, secret);
    }
    const poll = Number(options.env.ORDER_PUSH_POLL_MS ?? DEFAULT_POLL_MS);
    this.pollIntervalMs = Number.isFinite(poll) && poll >= 0 ? poll : DEFAULT_POLL_MS;
  }

  secretOf(shopId: string): string | undefined {
    return this.secrets.get(shopId);
  }
}
