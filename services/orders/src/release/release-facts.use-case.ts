import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsentGrantedV1, ConsentWithdrawnV1, OrdersIngestedV1, Platform } from '@siyu/contracts';
import { allows, refusalReason, type AgreementPurpose } from '../agreements/platform-agreement';
import { PlatformAgreementRepository } from '../agreements/platform-agreement.repository';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { ReleasedFactsOutbox } from './released-facts-outbox';
import { ReleaseRepository } from './release.repository';

/**
 * Invariant 2: platform data crosses into marketing only as a release, and only while a consent
 * covering purchase history links the subject to one of our buyers. A withdrawal revokes it.
 * Orders whose SKUs fall in a sensitive category (R2, SENSITIVE_CATEGORY_MAP) are released only
 * when the consent also covers `sensitive_profiling`.
 * R8: and only when the buyer's shop's platform agreement allows the purpose too; otherwise the
 * release is refused (recorded in `release_refusals` with its reason) even with consent.
 */
@Injectable()
export class ReleaseFacts {
  private readonly logger = new Logger('ReleaseFacts');

  constructor(
    private readonly releases: ReleaseRepository,
    private readonly agreements: PlatformAgreementRepository,
    private readonly outbox: ReleasedFactsOutbox,
    @Inject(ORDERS_OPTIONS) private readonly options: OrdersModuleOptions,
  ) {}

  /** A consent covering purchase history opens a release for the buyer it links (and publishes its facts). */
  async granted(tx: EntityManager, e: ConsentGrantedV1): Promise<void> {
    if (e.brandId !== this.options.brandId || !e.purposes.includes('purchase_history')) return;
    const buyer =
      e.link.buyerPseudonym ??
      (e.link.orderRef ? await this.releases.buyerOfOrder(tx, e.link.orderRef) : null);
    if (!buyer) return;
    const shop = await this.releases.shopOfBuyer(tx, buyer);
    if (!shop) return;
    await this.agreements.lockForRelease(tx, shop.platform, shop.shopId);
    const agreement = await this.agreements.find(tx, shop.platform, shop.shopId);
    if (!allows(agreement, 'purchase_history')) {
      await this.refuse(tx, shop, e.subjectRef, 'purchase_history', e.ledgerSeq);
      return;
    }
    // R2 needs the consent, R8 the agreement: without either, sensitive-category orders stay back.
    const sensitiveConsented = e.purposes.includes('sensitive_profiling');
    const sensitiveAllowed = sensitiveConsented && allows(agreement, 'sensitive_profiling');
    if (sensitiveConsented && !sensitiveAllowed)
      await this.refuse(tx, shop, e.subjectRef, 'sensitive_profiling', e.ledgerSeq);
    const release = await this.releases.activate(
      tx,
      e.subjectRef,
      e.brandId,
      buyer,
      e.ledgerSeq,
      sensitiveAllowed,
    );
    if (release) await this.outbox.publishFacts(tx, release);
  }

  /** A withdrawal of purchase history revokes every release of the subject. */
  async withdrawn(tx: EntityManager, e: ConsentWithdrawnV1): Promise<void> {
    if (e.brandId !== this.options.brandId || !e.purposes.includes('purchase_history')) return;
    for (const release of await this.releases.revokeAll(tx, e.subjectRef, e.ledgerSeq))
      await this.outbox.publishRevoked(tx, release);
  }

  /** Later orders of a released buyer flow while the consent and the agreement hold. */
  async ingested(tx: EntityManager, e: OrdersIngestedV1): Promise<void> {
    const buyer = await this.releases.buyerOfOrder(tx, e.orderRef);
    if (!buyer) return;
    const shop = { platform: e.platform, shopId: e.shopId };
    await this.agreements.lockForRelease(tx, shop.platform, shop.shopId);
    const active = await this.releases.activeForBuyer(tx, buyer);
    if (active.length === 0) return;
    const agreement = await this.agreements.find(tx, shop.platform, shop.shopId);
    for (const release of active) {
      // A release opened before the shop's agreement was recorded (or before R8 was enforced).
      if (!allows(agreement, 'purchase_history')) {
        if (await this.releases.revoke(tx, release.releaseId, 'platform_agreement')) {
          await this.outbox.publishRevoked(tx, release);
          await this.refuse(tx, shop, release.subjectRef, 'purchase_history', null);
        }
        continue;
      }
      const sensitiveAllowed = release.sensitiveAllowed && allows(agreement, 'sensitive_profiling');
      await this.outbox.publishFacts(tx, { ...release, sensitiveAllowed }, e.orderRef);
    }
  }

  private async refuse(
    tx: EntityManager,
    shop: { platform: Platform; shopId: string },
    subjectRef: string,
    purpose: AgreementPurpose,
    ledgerSeq: number | null,
  ): Promise<void> {
    const reason = refusalReason(shop.platform, shop.shopId, purpose);
    await this.agreements.recordRefusal(tx, { ...shop, subjectRef, purpose, reason, ledgerSeq });
    // Opaque subject ref, shop and purpose only: no personal data in the log (R16).
    this.logger.warn(`release refused for subject ${subjectRef}: ${reason}`);
  }
}
