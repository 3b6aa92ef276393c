import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  FACTS_PER_EVENT,
  TOPICS,
  type ConsentGrantedV1,
  type ConsentWithdrawnV1,
  type OrdersFactsReleasedV1,
  type OrdersFactsRevokedV1,
  type OrdersIngestedV1,
} from '@siyu/contracts';
import { addManyToOutbox, addToOutbox, type EventEffect } from '@siyu/messaging';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { ReleaseRepository, type Release } from './release.repository';
import { SensitiveCategoryMap } from './sensitive-categories';

/**
 * Invariant 2: platform data crosses into marketing only as a release, and only while a consent
 * covering purchase history links the subject to one of our buyers. A withdrawal revokes it.
 * Orders whose SKUs fall in a sensitive category (R2, SENSITIVE_CATEGORY_MAP) are released only
 * when the consent also covers `sensitive_profiling`.
 */
@Injectable()
export class ReleaseFactsConsumer {
  private readonly sensitive: SensitiveCategoryMap;

  constructor(
    private readonly releases: ReleaseRepository,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersModuleOptions,
  ) {
    this.sensitive = new SensitiveCategoryMap(options.env.SENSITIVE_CATEGORY_MAP);
  }

  readonly handlers: Record<string, EventEffect> = {
    'consent.granted.v1': (tx, e) => this.granted(tx, e as ConsentGrantedV1),
    'consent.withdrawn.v1': (tx, e) => this.withdrawn(tx, e as ConsentWithdrawnV1),
    'orders.ingested.v1': (tx, e) => this.ingested(tx, e as OrdersIngestedV1),
  };

  private async granted(tx: EntityManager, e: ConsentGrantedV1): Promise<void> {
    if (e.brandId !== this.options.brandId || !e.purposes.includes('purchase_history')) return;
    const buyer =
      e.link.buyerPseudonym ??
      (e.link.orderRef ? await this.releases.buyerOfOrder(tx, e.link.orderRef) : null);
    if (!buyer) return;
    const release = await this.releases.activate(
      tx,
      e.subjectRef,
      e.brandId,
      buyer,
      e.ledgerSeq,
      e.purposes.includes('sensitive_profiling'),
    );
    if (release) await this.publishFacts(tx, release);
  }

  private async withdrawn(tx: EntityManager, e: ConsentWithdrawnV1): Promise<void> {
    if (e.brandId !== this.options.brandId || !e.purposes.includes('purchase_history')) return;
    for (const release of await this.releases.revokeAll(tx, e.subjectRef, e.ledgerSeq)) {
      await addToOutbox<OrdersFactsRevokedV1>(tx, TOPICS.ordersFactsRevoked, release.subjectRef, {
        type: 'orders.facts-revoked.v1',
        subjectRef: release.subjectRef,
        brandId: release.brandId,
        releaseId: release.releaseId,
      });
    }
  }

  /** Later orders of a released buyer flow while the consent holds. */
  private async ingested(tx: EntityManager, e: OrdersIngestedV1): Promise<void> {
    const buyer = await this.releases.buyerOfOrder(tx, e.orderRef);
    if (!buyer) return;
    for (const release of await this.releases.activeForBuyer(tx, buyer))
      await this.publishFacts(tx, release, e.orderRef);
  }

  private async publishFacts(tx: EntityManager, release: Release, orderRef?: string): Promise<void> {
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
          type: 'orders.facts-released.v1',
          subjectRef: release.subjectRef,
          brandId: release.brandId,
          releaseId: release.releaseId,
          facts: facts.slice(i, i + FACTS_PER_EVENT),
        },
      });
    }
    await addManyToOutbox<OrdersFactsReleasedV1>(tx, events);
  }
}
