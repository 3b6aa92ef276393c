import { Injectable } from '@nestjs/common';
import type { OrdersFactsReleasedV1, OrdersFactsRevokedV1 } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
import { MemberDataRepository } from '../members/member-data.repository';
import { ReleasedFactsRepository } from './released-facts.repository';

/** Purchase facts reach marketing only as releases from orders (invariant 2). */
@Injectable()
export class ReleasedFactsConsumer {
  constructor(
    private readonly facts: ReleasedFactsRepository,
    private readonly data: MemberDataRepository = new MemberDataRepository(),
  ) {}

  readonly handlers: Record<string, EventEffect> = {
    'orders.facts-released.v1': async (tx, e) => {
      const r = e as OrdersFactsReleasedV1;
      if ((await this.facts.store(tx, r.brandId, r.releaseId, r.subjectRef, r.facts)) > 0)
        await this.data.markDirty(tx, r.brandId, r.subjectRef);
    },
    // R10: the release's facts and everything derived from them go in this transaction; the
    // member's profile is then recomputed from the facts that remain.
    'orders.facts-revoked.v1': async (tx, e) => {
      const r = e as OrdersFactsRevokedV1;
      await this.data.lockMember(tx, r.brandId, r.subjectRef);
      await this.facts.revoke(tx, r.releaseId);
      await this.data.deleteDerived(tx, r.subjectRef);
      await this.data.markDirty(tx, r.brandId, r.subjectRef);
    },
  };
}
