import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { KeyRing } from '@siyu/crypto';
import { ORDERS_DB } from '../orders.options';
import { DataKeyRepository } from './data-key.repository';

export interface RotationReport {
  /** The KEK every live data key is now wrapped under. */
  currentKid: string;
  rewrapped: number;
}

/**
 * KEK rotation (R16): re-wraps every live data key under the current KEK, a batch per transaction.
 * Sealed data is not touched: the data keys themselves do not change. Once it reports, the
 * previous KEK can leave FULFILMENT_KEK.
 */
@Injectable()
export class RotateDataKeys {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly keyRing: KeyRing,
    private readonly dataKeys: DataKeyRepository,
  ) {}

  async execute(actorId: string, options: { batchSize?: number } = {}): Promise<RotationReport> {
    const batchSize = options.batchSize ?? 1000;
    const currentKid = this.keyRing.current.kid;
    let rewrapped = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await this.ds.transaction(async (tx) => {
        const stale = await this.dataKeys.lockKeysNotWrappedUnder(tx, currentKid, after, batchSize);
        const fresh = stale
          .filter((k) => this.keyRing.needsRewrap(k.wrappedKey))
          .map((k) => ({ buyerPseudonym: k.buyerPseudonym, wrappedKey: this.keyRing.rewrap(k.wrappedKey) }));
        const written = await this.dataKeys.replaceWrappings(tx, fresh);
        if (written > 0) {
          await appendAudit(tx, {
            actor: actorId,
            action: 'rewrap-data-keys',
            purpose: 'security',
            subject: `kek:${currentKid}`,
            fields: [],
            outcome: 'allowed',
          });
        }
        rewrapped += written;
        return stale;
      });
      if (batch.length < batchSize) return { currentKid, rewrapped };
      after = batch[batch.length - 1].buyerPseudonym;
    }
  }
}
