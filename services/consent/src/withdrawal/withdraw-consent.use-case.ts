import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  PURPOSES,
  TOPICS,
  type Channel,
  type ConsentWithdrawnV1,
  type Purpose,
  type WithdrawalSource,
} from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB } from '../consent.options';
import { LedgerRepository } from '../ledger/ledger.repository';
import { holdWatermarkShared } from '../watermark/watermark-lock.repository';

export interface Withdrawal {
  brandId: string;
  subjectRef: string;
  purposes: Purpose[] | 'all';
  channels: Channel[];
  source: WithdrawalSource;
  evidence: Record<string, string>;
  /**
   * Set by expiry (R20 §2): writes `expired` instead of `withdrawn`, and only for the pairs whose
   * latest ledger entry is still this grant (a later grant of the same pair is left alone).
   */
  expiresGrant?: number;
}

/** The pairs a withdrawal will write: those of the request still granted. */
export interface WithdrawalPlan {
  purposes: Purpose[];
  channels: Channel[];
}

export type WithdrawalOutcome =
  { withdrawn: true; effectiveAt: string; purposes: Purpose[]; channels: Channel[] } | { withdrawn: false };

/**
 * R9: "no" takes effect at once. The ledger entry and its event commit together; the caller answers
 * the customer only after this resolves, i.e. once the withdrawal is durable.
 */
@Injectable()
export class WithdrawConsent {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(w: Withdrawal): Promise<WithdrawalOutcome> {
    const outcome = await this.ds.transaction((tx) => this.withdrawIn(tx, w));
    this.messaging.relay.kick();
    return outcome;
  }

  async withdrawIn(tx: EntityManager, w: Withdrawal): Promise<WithdrawalOutcome> {
    const plan = await this.planIn(tx, w);
    return plan ? this.recordIn(tx, w, plan) : { withdrawn: false };
  }

  /**
   * What `w` would withdraw: the pairs still granted (null when none). For callers that write more
   * in the same transaction depending on the outcome: they plan, write, then `recordIn` last.
   */
  async planIn(tx: EntityManager, w: Withdrawal): Promise<WithdrawalPlan | null> {
    await holdWatermarkShared(tx);
    const state = await this.ledger.stateOf(tx, w.subjectRef);
    const wanted = w.purposes === 'all' ? [...PURPOSES] : w.purposes;
    const active = state.filter(
      (s) =>
        s.granted &&
        wanted.includes(s.purpose) &&
        w.channels.includes(s.channel) &&
        (w.expiresGrant === undefined || s.seq === w.expiresGrant),
    );
    if (active.length === 0) return null;
    return {
      purposes: [...new Set(active.map((s) => s.purpose))],
      channels: [...new Set(active.map((s) => s.channel))],
    };
  }

  /**
   * The ledger entry and its event. The append holds the brand chain's lock until commit (see
   * `LedgerRepository.append`), so this is the transaction's last step: the caller writes nothing after.
   */
  async recordIn(tx: EntityManager, w: Withdrawal, plan: WithdrawalPlan): Promise<WithdrawalOutcome> {
    const { purposes, channels } = plan;
    const entry = await this.ledger.append(tx, {
      brandId: w.brandId,
      subjectRef: w.subjectRef,
      action: w.expiresGrant === undefined ? 'withdrawn' : 'expired',
      purposes,
      channels,
      source: w.source,
      evidence: w.evidence,
    });
    await addToOutbox<ConsentWithdrawnV1>(tx, TOPICS.consentWithdrawn, w.subjectRef, {
      type: 'consent.withdrawn.v1',
      subjectRef: w.subjectRef,
      brandId: w.brandId,
      purposes,
      channels,
      source: w.source,
      ledgerSeq: entry.seq,
      effectiveAt: entry.at,
    });
    return { withdrawn: true, effectiveAt: entry.at, purposes, channels };
  }
}
