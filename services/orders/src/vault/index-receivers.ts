import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BlindIndex } from '@siyu/crypto';
import { ReceiverLookupRepository } from './receiver-lookup.repository';
import { receiverIndexes } from './receiver-lookup-index';
import type { Receiver } from './seal-receiver';

export interface ReceiverToIndex {
  orderRef: string;
  receiver: Receiver;
  buyerId: string | null;
}

/**
 * Writes the after-sales lookup rows of freshly sealed orders (R16). For ingest: call it in the
 * chunk's transaction after the orders are upserted. Orders it did not see are picked up by
 * BackfillLookupIndex.
 */
@Injectable()
export class IndexReceivers {
  constructor(
    private readonly blindIndex: BlindIndex,
    private readonly lookup: ReceiverLookupRepository,
  ) {}

  async execute(tx: EntityManager, orders: ReceiverToIndex[]): Promise<void> {
    await this.lookup.replaceIndexes(
      tx,
      orders.map((o) => ({
        orderRef: o.orderRef,
        digests: receiverIndexes(this.blindIndex, o.receiver, o.buyerId),
      })),
    );
  }
}
