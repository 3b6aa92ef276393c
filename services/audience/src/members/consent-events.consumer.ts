import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsentGrantedV1, ConsentWithdrawnV1 } from '@siyu/contracts';
import type { AfterCommit, EventEffect } from '@siyu/messaging';
import { recordWithdrawalApplied } from '@siyu/observability';
import { MemberDataRepository } from './member-data.repository';
import { MemberRepository } from './member.repository';

/** Members come only from consent events (R7's two doors, via the consent service). */
@Injectable()
export class ConsentEventsConsumer {
  constructor(
    private readonly members: MemberRepository,
    private readonly data: MemberDataRepository = new MemberDataRepository(),
  ) {}

  readonly handlers: Record<string, EventEffect> = {
    'consent.granted.v1': (tx, e) => this.granted(tx, e as ConsentGrantedV1),
    'consent.withdrawn.v1': (tx, e) => this.withdrawn(tx, e as ConsentWithdrawnV1),
  };

  private async granted(tx: EntityManager, e: ConsentGrantedV1): Promise<void> {
    await this.data.lockMember(tx, e.brandId, e.subjectRef);
    await this.members.applyConsent(tx, e.brandId, e.subjectRef, e.purposes, e.channels, true, e.ledgerSeq, {
      evidenceRef: e.evidenceRef,
      effectiveAt: e.effectiveAt,
    });
    await this.members.admitIfConsented(tx, e.brandId, e.subjectRef);
    await this.members.syncEvaluationColumns(tx, e.subjectRef);
    // A profiling consent may make tags computable (or a newer one changes nothing): recompute.
    await this.data.markDirty(tx, e.brandId, e.subjectRef);
  }

  /** R10: the data resting on the withdrawn purposes goes in this same transaction. */
  private async withdrawn(tx: EntityManager, e: ConsentWithdrawnV1): Promise<AfterCommit> {
    // Once committed, segments no longer select the member for what was withdrawn.
    const applied = () => recordWithdrawalApplied('audience', e.effectiveAt);
    await this.data.lockMember(tx, e.brandId, e.subjectRef);
    await this.members.applyConsent(tx, e.brandId, e.subjectRef, e.purposes, e.channels, false, e.ledgerSeq);
    await this.members.syncEvaluationColumns(tx, e.subjectRef);
    await this.data.deleteMembershipsReachedBy(tx, e.subjectRef, e.purposes, e.channels);
    const active = await this.members.activePurposes(tx, e.subjectRef);
    if (active.length === 0) {
      await this.data.deleteAllButSuppression(tx, e.subjectRef);
      return applied;
    }
    if (!active.includes('purchase_history')) await this.data.deletePurchaseHistory(tx, e.subjectRef);
    else if (e.purposes.includes('sensitive_profiling') && !active.includes('sensitive_profiling'))
      await this.data.deleteSensitive(tx, e.subjectRef);
    // Tags are a profile: without the personalisation consent none is kept (R11's one switch).
    if (!active.includes('personalisation')) await this.data.deleteDerived(tx, e.subjectRef);
    await this.data.markDirty(tx, e.brandId, e.subjectRef);
    return applied;
  }
}
