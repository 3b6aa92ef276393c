import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { HeldDataLine, PrivacyAccessRequestedV1, PrivacyErasureRequestedV1 } from '@siyu/contracts';
import { generateDataKey } from '@siyu/crypto';
import type { AnsweredKind, SubjectDataPort } from '@siyu/data-subject-requests';
import { SEALED_FULFILMENT_FIELDS } from '@siyu/privacy';
import { ORDERS_OPTIONS, type OrdersModuleOptions } from '../orders.options';
import { ReleasedFactsOutbox } from '../release/released-facts-outbox';
import { RetentionRepository } from '../retention/retention.repository';
import { sealReceiver } from '../vault/seal-receiver';
import { SubjectOrdersRepository, type SubjectOrder } from './subject-orders.repository';

const latest = (dates: (string | null)[]): string | undefined =>
  dates
    .filter((d): d is string => d !== null)
    .sort()
    .at(-1);

/**
 * What orders holds on a data subject (R14), answered by `answerSubjectRequest`; the audit row of an
 * erasure names the sealed receiver fields it shredded or holds. Erasure: releases revoked (audience deletes the
 * facts), subject ↔ buyer links deleted, receiver data past the after-sales window shredded now;
 * receiver data still inside the window stays under legal hold (contract, R3/R17) until it closes,
 * and the non-identifying transaction record for its own retention. The answer says which, until when.
 */
@Injectable()
export class OrdersSubjectData implements SubjectDataPort {
  readonly service = 'orders';
  readonly brandId: string;

  constructor(
    @Inject(ORDERS_OPTIONS) options: OrdersModuleOptions,
    private readonly subjectOrders: SubjectOrdersRepository,
    private readonly retention: RetentionRepository,
    private readonly facts: ReleasedFactsOutbox,
  ) {
    this.brandId = options.brandId;
  }

  auditedFields(kind: AnsweredKind): string[] {
    return kind === 'erasure' ? [...SEALED_FULFILMENT_FIELDS, 'tracking_number'] : [];
  }

  async access(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<HeldDataLine[]> {
    const releases = await this.subjectOrders.releasesOf(tx, e.subjectRef);
    const orders = await this.subjectOrders.ordersOfBuyers(tx, [
      ...new Set(releases.map((r) => r.buyerPseudonym)),
    ]);
    const readable = orders.filter((o) => !o.shredded);
    return [
      {
        category: 'purchase_fact_releases',
        records: releases.filter((r) => r.active).length,
        status: 'held',
        explanation: 'purchase facts you allowed us to use for marketing',
      },
      {
        category: 'release_refusals',
        records: await this.subjectOrders.countRefusals(tx, e.subjectRef),
        status: 'held',
        explanation: 'releases refused because the platform agreement did not allow them',
      },
      {
        category: 'order_receiver_data',
        records: readable.length,
        status: 'held',
        explanation: 'name, phone and address of the receiver, sealed, for delivery and after-sales',
      },
      {
        category: 'order_transaction_records',
        records: orders.length,
        status: 'held',
        explanation: 'order dates, amounts and items',
      },
    ];
  }

  async erase(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<HeldDataLine[]> {
    const releases = await this.subjectOrders.releasesOf(tx, e.subjectRef);
    // Revoke before unlinking: audience deletes the facts these releases fed (R10).
    for (const r of releases.filter((x) => x.active)) await this.facts.publishRevoked(tx, r);
    const orders = await this.subjectOrders.ordersOfBuyers(tx, [
      ...new Set(releases.map((r) => r.buyerPseudonym)),
    ]);
    const now = new Date().toISOString();
    const held = orders.filter((o) => !o.shredded && (!o.finished || (o.afterSalesUntil ?? '') > now));
    const due = orders.filter((o) => !o.shredded && o.finished && (o.afterSalesUntil ?? '') <= now);
    await this.shred(tx, due);
    const links = await this.subjectOrders.deleteLinks(tx, e.subjectRef);
    const lines: HeldDataLine[] = [
      {
        category: 'purchase_fact_releases',
        records: links.releases,
        status: 'deleted',
        explanation: 'revoked and deleted; the marketing copies of the facts are deleted with them',
      },
      { category: 'release_refusals', records: links.refusals, status: 'deleted', explanation: 'deleted' },
      {
        category: 'order_receiver_data',
        records: due.length + orders.filter((o) => o.shredded).length,
        status: 'deleted',
        explanation: 'receiver data of orders past their after-sales window, crypto-shredded',
      },
    ];
    if (held.length > 0) {
      const until = held.some((o) => !o.finished) ? undefined : latest(held.map((o) => o.afterSalesUntil));
      lines.push({
        category: 'order_receiver_data',
        records: held.length,
        status: 'kept_under_legal_hold',
        ...(until ? { keptUntil: until } : {}),
        explanation: until
          ? 'orders still inside their after-sales window keep delivery data until it closes, then it is shredded'
          : 'orders not yet completed keep delivery data until their after-sales window closes after completion',
      });
    }
    if (orders.length > 0) {
      const until = orders.some((o) => !o.finished) ? undefined : latest(orders.map((o) => o.recordUntil));
      lines.push({
        category: 'order_transaction_records',
        records: orders.length,
        status: 'kept_under_legal_hold',
        ...(until ? { keptUntil: until } : {}),
        explanation: 'dates, amounts and items kept for accounting, no longer linked to you',
      });
    }
    return lines;
  }

  private async shred(tx: EntityManager, due: SubjectOrder[]): Promise<void> {
    if (due.length === 0) return;
    // A throwaway key, as retention does: well-formed tombstones nobody can open.
    const discarded = generateDataKey();
    await this.retention.shredOrders(
      tx,
      due.map((o) => ({
        orderRef: o.orderRef,
        tombstone: sealReceiver(discarded, o.orderRef, { name: '', phone: '', address: '' }),
      })),
    );
    discarded.fill(0);
  }
}
