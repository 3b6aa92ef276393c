import { Injectable } from '@nestjs/common';
import type { OrdersFactsReleasedV1, OrdersFactsRevokedV1 } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
import { ReleasedFactsRepository } from './released-facts.repository';

/** Purchase facts reach marketing only as releases from orders (invariant 2). */
@Injectable()
export class ReleasedFactsConsumer {
  constructor(private readonly facts: ReleasedFactsRepository) {}

  readonly handlers: Record<string, EventEffect> = {
    'orders.facts-released.v1': async (tx, e) => {
      const r = e as OrdersFactsReleasedV1;
      await this.facts.store(tx, r.releaseId, r.subjectRef, r.facts);
    },
    'orders.facts-revoked.v1': async (tx, e) => {
      await this.facts.revoke(tx, (e as OrdersFactsRevokedV1).releaseId);
    },
  };
}
