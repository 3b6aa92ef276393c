import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  FACTS_PER_EVENT,
  TOPICS,
  type OrdersFactsReleasedV1,
  type OrdersFactsRevokedV1,
} from '@siyu/contracts';
import { addManyToOutbox, addToOutbox } from '@siyu/messaging';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { ReleaseRepository, type Release } from './release.repository';
import { SensitiveCategoryMap } from './sensitive-categories';

/**
 * The two events a release sends to marketing, written to the outbox in the caller's transaction:
 * its non-identifying facts (without sensitive-category orders unless the release allows them,
 * R2) and its revocation. Shared by the consent consumer and agreement changes (R8).
 */
@Injectable()
export class ReleasedFactsOutbox {
  private readonly sensitive: SensitiveCategoryMap;

  constructor(
    private readonly releases: ReleaseRepository,
    @Inject(ORDERS_OPTIONS) options: OrdersModuleOptions,
  ) {
    this.sensitive = new SensitiveCategoryMap(options.env.SENSITIVE_CATEGORY_MAP);
  }

  async publishFacts(tx: EntityManager, release: Release, orderRef?: string): Promise<void> {
    const facts = (await this.releases.factsOf(tx, release.buyerPseudonym, orderRef)).filter(
      (f) => release.sensitiveAllowed || this.sensitive.categoriesOf(f.lines.map((l) => l.sku)).length === 0,
    );
    if (facts.length === 0) return;
    const events = [];
    for (let i = 0; i < facts.length; i += FACTS_PER_EVENT) {
      events.push({
        topic: TOPICS.ordersFactsReleased,
        key: release.subjectRef,
        event: {
          type: 'orders.facts-released.v1' as const,
          subjectRef: release.subjectRef,
          brandId: release.brandId,
          releaseId: release.releaseId,
          facts: facts.slice(i, i + FACTS_PER_EVENT),
        },
      });
    }
    await addManyToOutbox<OrdersFactsReleasedV1>(tx, events);
  }

  async publishRevoked(
    tx: EntityManager,
    release: Pick<Release, 'subjectRef' | 'brandId' | 'releaseId'>,
  ): Promise<void> {
    await addToOutbox<OrdersFactsRevokedV1>(tx, TOPICS.ordersFactsRevoked, release.subjectRef, {
      type: 'orders.facts-revoked.v1',
      subjectRef: release.subjectRef,
      brandId: release.brandId,
      releaseId: release.releaseId,
    });
  }
}
