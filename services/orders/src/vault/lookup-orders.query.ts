import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { BlindIndex } from '@siyu/crypto';
import { FULFILMENT_PURPOSES, isFulfilmentPurpose } from '@siyu/privacy';
import { ORDERS_DB } from '../orders.options';
import { ReceiverLookupRepository, type OrderFacts } from './receiver-lookup.repository';
import { fullMobileNumber, lookupDigest, type LookupKind } from './receiver-lookup-index';
import { PURPOSE_SHAPE } from './reveal-receiver.request';
import { VaultError, VaultErrorCode } from './vault.errors';

/** Exactly one of orderNo, buyerId, phone, phoneLast4; `shop` narrows; `purpose` defaults to after_sales. */
export interface LookupCriteria {
  orderNo?: string;
  buyerId?: string;
  phone?: string;
  phoneLast4?: string;
  shop?: string;
  purpose?: string;
}

export interface LookupResult {
  searchedBy: LookupKind | 'order-no';
  matches: OrderFacts[];
  /** More orders matched than are shown: narrow with `shop`. */
  truncated: boolean;
}

const MAX_MATCHES = 50;

const SEARCHED_BY: Record<'orderNo' | 'buyerId' | 'phone' | 'phoneLast4', LookupResult['searchedBy']> = {
  orderNo: 'order-no',
  buyerId: 'buyer-id',
  phone: 'phone-full',
  phoneLast4: 'phone-last4',
};

const SEARCHED_FIELD: Record<LookupResult['searchedBy'], string> = {
  'order-no': 'order_id',
  'buyer-id': 'buyer_id',
  'phone-full': 'receiver_phone',
  'phone-last4': 'receiver_phone',
};

/**
 * After-sales lookup (R16): finds orders by platform order number, or by buyer id or phone through
 * keyed blind indexes, never by plaintext search. Answers order refs and non-identifying facts;
 * the receiver itself takes a reveal. Each found order is audited (who looked it up, why, by what).
 */
@Injectable()
export class LookupOrders {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly lookup: ReceiverLookupRepository,
    private readonly blindIndex: BlindIndex,
  ) {}

  async execute(actor: Actor, request: LookupCriteria): Promise<LookupResult> {
    const purpose = request.purpose ?? 'after_sales';
    const keys = (['orderNo', 'buyerId', 'phone', 'phoneLast4'] as const).filter(
      (k) => request[k] !== undefined,
    );
    if (keys.length !== 1) {
      throw new VaultError(
        VaultErrorCode.LOOKUP_KEY_INVALID,
        'give exactly one of orderNo, buyerId, phone, phoneLast4',
      );
    }
    const search = this.searchOf(request);
    const shop = request.shop ?? null;
    if (!isFulfilmentPurpose(purpose)) {
      await this.ds.transaction((tx) =>
        this.audit(tx, actor, purpose, `lookup:${search.kind}`, search.kind, 'refused'),
      );
      throw new VaultError(
        VaultErrorCode.PURPOSE_NOT_ALLOWED,
        `"${purpose}" is not a fulfilment purpose; orders may be looked up only for ` +
          `${FULFILMENT_PURPOSES.join(', ')} (R3)`,
        { allowedPurposes: [...FULFILMENT_PURPOSES], rule: 'R3' },
      );
    }
    return this.ds.transaction(async (tx) => {
      const found =
        search.kind === 'order-no'
          ? await this.lookup.findByPlatformOrderId(tx, search.value, shop, MAX_MATCHES + 1)
          : await this.lookup.findByDigest(tx, search.kind, search.value, shop, MAX_MATCHES + 1);
      const matches = found.slice(0, MAX_MATCHES);
      // Per order, so an order's audit trail shows every lookup that surfaced it.
      for (const m of matches) await this.audit(tx, actor, purpose, m.orderRef, search.kind, 'allowed');
      if (matches.length === 0)
        await this.audit(tx, actor, purpose, `lookup:${search.kind}`, search.kind, 'allowed');
      return { searchedBy: search.kind, matches, truncated: found.length > MAX_MATCHES };
    });
  }

  /**
   * A caller whose role the guard refused (R16), recorded like a refused purpose: by what they
   * searched (never the searched value) and why. The query is unvalidated here.
   */
  auditRoleRefusal(actor: Actor, query: Record<string, unknown>): Promise<void> {
    const given = (['orderNo', 'buyerId', 'phone', 'phoneLast4'] as const).filter(
      (k) => query[k] !== undefined,
    );
    const kind = given.length === 1 ? SEARCHED_BY[given[0]] : 'order-no';
    const purpose = query.purpose ?? 'after_sales';
    const declared = typeof purpose === 'string' && PURPOSE_SHAPE.test(purpose) ? purpose : 'malformed';
    return this.ds.transaction((tx) =>
      this.audit(
        tx,
        actor,
        declared,
        given.length === 1 ? `lookup:${kind}` : 'lookup:malformed',
        kind,
        'refused',
      ),
    );
  }

  /** The blind-index digest to search (the plaintext goes no further than this method). */
  private searchOf(request: LookupCriteria): { kind: LookupResult['searchedBy']; value: string } {
    if (request.orderNo !== undefined) return { kind: 'order-no', value: request.orderNo };
    if (request.buyerId !== undefined)
      return { kind: 'buyer-id', value: lookupDigest(this.blindIndex, 'buyer-id', request.buyerId) };
    if (request.phoneLast4 !== undefined)
      return { kind: 'phone-last4', value: lookupDigest(this.blindIndex, 'phone-last4', request.phoneLast4) };
    const full = fullMobileNumber(request.phone ?? '');
    if (!full) {
      throw new VaultError(
        VaultErrorCode.LOOKUP_KEY_INVALID,
        'phone must be a full mainland mobile number (11 digits, optionally +86); use phoneLast4 for the last four',
      );
    }
    return { kind: 'phone-full', value: lookupDigest(this.blindIndex, 'phone-full', full) };
  }

  private audit(
    tx: EntityManager,
    actor: Actor,
    purpose: string,
    subject: string,
    searchedBy: LookupResult['searchedBy'],
    outcome: 'allowed' | 'refused',
  ): Promise<void> {
    return appendAudit(tx, {
      actor: actor.id,
      action: `lookup-order:${searchedBy}`,
      purpose,
      subject,
      fields: [SEARCHED_FIELD[searchedBy]],
      outcome,
    });
  }
}
