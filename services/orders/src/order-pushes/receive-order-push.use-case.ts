import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { generateDataKey, KeyRing, seal } from '@siyu/crypto';
import { ORDERS_DB } from '../orders.options';
import { OrderPushRepository, type NewOrderPush } from './order-push.repository';
import { OrderPushError, OrderPushErrorCode } from './order-pushes.errors';
import { splitPush } from './platform-pushes';
import { PushSettings } from './push-settings';
import { TIMESTAMP_WINDOW_SECONDS, verifyPushSignature } from './push-signature';

export interface ReceiveOrderPushCommand {
  platform: string;
  query: Record<string, unknown>;
  rawBody: Buffer | undefined;
  body: unknown;
}

/**
 * The push door (issue §1): verifies, remembers the nonce and queues the sealed messages in one
 * short transaction, so the platform gets its answer in milliseconds; ingest happens later
 * (ProcessOrderPushes). A replay or a bad signature writes nothing.
 */
@Injectable()
export class ReceiveOrderPush {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly pushes: OrderPushRepository,
    private readonly settings: PushSettings,
    private readonly keyRing: KeyRing,
  ) {}

  async execute(command: ReceiveOrderPushCommand): Promise<{ success: true; queued: number }> {
    const signed = verifyPushSignature(
      command.query,
      command.rawBody,
      (shop) => this.settings.secretOf(shop),
      Date.now(),
    );
    const messages = splitPush(command.platform, command.body);
    const platform = command.platform as NewOrderPush['platform'];
    // R16: each message sealed under a fresh data key wrapped by the FULFILMENT key ring.
    const rows = messages.map((m): NewOrderPush => {
      const id = randomUUID();
      const dataKey = generateDataKey();
      return {
        id,
        platform,
        shopId: signed.shopId,
        pushId: m.pushId,
        bodySealed: seal<'order-push'>(dataKey, m.body, `order-push:${id}`),
        bodyKey: this.keyRing.wrap(dataKey),
      };
    });
    const queued = await this.ds.transaction(async (tx) => {
      const fresh = await this.pushes.rememberNonce(
        tx,
        `${platform}:${signed.shopId}`,
        signed.nonce,
        TIMESTAMP_WINDOW_SECONDS * 2 + 60,
      );
      if (!fresh) throw new OrderPushError(OrderPushErrorCode.NONCE_REPLAYED, 'nonce already used');
      return this.pushes.queueNewPushes(tx, rows);
    });
    return { success: true, queued };
  }
}
