import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsentGrantedV1, ConsentWatermarkV1, ConsentWithdrawnV1 } from '@siyu/contracts';
import type { AfterCommit, DeliveredMessage, EventEffect } from '@siyu/messaging';
import { recordWithdrawalApplied } from '@siyu/observability';
import { ConsentProjectionRepository } from './consent-projection.repository';

@Injectable()
export class ConsentEventsConsumer {
  constructor(private readonly projection: ConsentProjectionRepository) {}

  readonly handlers: Record<string, EventEffect> = {
    'consent.granted.v1': (tx, e) => this.granted(tx, e as ConsentGrantedV1),
    'consent.withdrawn.v1': (tx, e) => this.withdrawn(tx, e as ConsentWithdrawnV1),
    'consent.watermark.v1': (tx, e, m) => this.watermark(tx, e as ConsentWatermarkV1, m),
  };

  private async granted(tx: EntityManager, e: ConsentGrantedV1): Promise<void> {
    await this.projection.apply(tx, e.brandId, e.subjectRef, e.purposes, e.channels, true, e.ledgerSeq);
    for (const cp of e.contactPoints)
      await this.projection.saveContactPoint(tx, e.subjectRef, cp.channel, cp.sealed, e.ledgerSeq);
    // Quiet hours in the member's own zone when the door knew it; else the brand's (Asia/Shanghai).
    if (e.timeZone) await this.projection.saveRecipientTimeZone(tx, e.subjectRef, e.timeZone);
  }

  private async withdrawn(tx: EntityManager, e: ConsentWithdrawnV1): Promise<AfterCommit> {
    await this.projection.apply(tx, e.brandId, e.subjectRef, e.purposes, e.channels, false, e.ledgerSeq);
    await this.projection.recordSuppression(
      tx,
      e.subjectRef,
      e.purposes,
      e.channels,
      e.source,
      e.effectiveAt,
    );
    await this.projection.dropUnusedContactPoints(tx, e.subjectRef);
    await this.projection.pruneAfterWithdrawal(tx, e.subjectRef, e.purposes, e.channels);
    // Once committed, the send gate refuses this channel: withdrawal → suppression latency.
    return () => recordWithdrawalApplied('outreach', e.effectiveAt);
  }

  private async watermark(tx: EntityManager, e: ConsentWatermarkV1, m: DeliveredMessage): Promise<void> {
    // The partition it arrived on is what counts: everything before it there has been applied.
    await this.projection.advanceWatermark(tx, m.partition, e.at);
  }
}
