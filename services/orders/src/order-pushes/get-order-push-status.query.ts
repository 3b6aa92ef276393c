import { Injectable } from '@nestjs/common';
import type { Platform } from '@siyu/contracts';
import { OrderPushRepository, type OrderPushStatus } from './order-push.repository';

/** The latest pushes of a shop (at most 100) with their outcome and unmasked-PII report. */
@Injectable()
export class GetOrderPushStatus {
  constructor(private readonly pushes: OrderPushRepository) {}

  async execute(filter: {
    platform: Platform;
    shopId: string;
    pushId?: string;
    withUnmaskedPii: boolean;
  }): Promise<{ pushes: OrderPushStatus[] }> {
    return { pushes: await this.pushes.listStatus({ ...filter, limit: 100 }) };
  }
}
