import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { FULFILMENT_PURPOSES, isFulfilmentPurpose, RECEIVER_FIELDS } from '@siyu/privacy';
import { ORDERS_DB } from '../orders.options';
import { BuyerDataKeys } from './buyer-data-keys';
import { RevealBudget } from './reveal-budget';
import { openReceiver, type Receiver } from './seal-receiver';
import { VaultedReceiverRepository } from './vaulted-receiver.repository';
import { VaultError, VaultErrorCode } from './vault.errors';

type Outcome =
  | { kind: 'revealed'; receiver: Receiver }
  | { kind: 'not_found' }
  | { kind: 'shredded' }
  | { kind: 'over_budget' };

/**
 * Shows a receiver in clear for a declared fulfilment purpose only (R3), within the purpose's daily
 * budget, and records every attempt — allowed or refused, here or at the role guard
 * (`RevealRoleRefusals`), for a known order or not — with actor, purpose and fields in the audit
 * trail, in the same transaction as the read (R16, R20). Never the receiver itself.
 */
@Injectable()
export class RevealReceiver {
  constructor(
    @Inject(ORDERS_DB) private readonly ds: DataSource,
    private readonly vault: VaultedReceiverRepository,
    private readonly dataKeys: BuyerDataKeys,
    private readonly budget: RevealBudget,
  ) {}

  async execute(actor: Actor, orderRef: string, purpose: string): Promise<Receiver> {
    if (!isFulfilmentPurpose(purpose)) {
      await this.ds.transaction((tx) => this.audit(tx, actor, orderRef, purpose, 'refused'));
      throw new VaultError(
        VaultErrorCode.PURPOSE_NOT_ALLOWED,
        `"${purpose}" is not a fulfilment purpose. Receiver data was collected to deliver orders and handle ` +
          `after-sales, and may be shown only for ${FULFILMENT_PURPOSES.join(', ')} (R3). Using it for marketing ` +
          `needs the customer's own, separate consent (membership join or parcel-card QR code).`,
        { allowedPurposes: [...FULFILMENT_PURPOSES], rule: 'R3' },
      );
    }
    const outcome = await this.ds.transaction(async (tx): Promise<Outcome> => {
      const vaulted = await this.vault.findVaultedReceiver(tx, orderRef);
      if (!vaulted) {
        await this.audit(tx, actor, orderRef, purpose, 'refused');
        return { kind: 'not_found' };
      }
      if (!vaulted.wrappedKey) {
        await this.audit(tx, actor, orderRef, purpose, 'refused');
        return { kind: 'shredded' };
      }
      if (!(await this.budget.consume(tx, purpose))) {
        await this.audit(tx, actor, orderRef, purpose, 'refused');
        return { kind: 'over_budget' };
      }
      const receiver = openReceiver(
        this.dataKeys.unwrap(vaulted.wrappedKey),
        orderRef,
        vaulted.receiverSealed,
      );
      await this.audit(tx, actor, orderRef, purpose, 'allowed');
      return { kind: 'revealed', receiver };
    });
    switch (outcome.kind) {
      case 'revealed':
        return outcome.receiver;
      case 'not_found':
        throw new VaultError(VaultErrorCode.ORDER_NOT_FOUND, `no order ${orderRef}`);
      case 'shredded':
        throw new VaultError(
          VaultErrorCode.RECEIVER_SHREDDED,
          'the receiver of this order was deleted when its after-sales window closed (R17)',
        );
      case 'over_budget':
        throw new VaultError(
          VaultErrorCode.REVEAL_BUDGET_EXCEEDED,
          `today's budget of ${this.budget.limits[purpose]} reveals for ${purpose} is spent; it resets at midnight ` +
            'China time (R16). Ask an admin to raise REVEAL_DAILY_BUDGET_' +
            `${purpose.toUpperCase()} if this volume is expected.`,
          { purpose, dailyBudget: this.budget.limits[purpose] },
        );
    }
  }

  /** A caller whose role the guard refused (R16): recorded like every other refused attempt. */
  auditRoleRefusal(actor: Actor, orderRef: string, purpose: string): Promise<void> {
    return this.ds.transaction((tx) => this.audit(tx, actor, orderRef, purpose, 'refused'));
  }

  private audit(
    tx: EntityManager,
    actor: Actor,
    orderRef: string,
    purpose: string,
    outcome: 'allowed' | 'refused',
  ): Promise<void> {
    return appendAudit(tx, {
      actor: actor.id,
      action: 'reveal-receiver',
      purpose,
      subject: orderRef,
      fields: [...RECEIVER_FIELDS],
      outcome,
    });
  }
}
