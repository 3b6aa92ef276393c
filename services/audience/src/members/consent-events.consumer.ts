import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsentGrantedV1, ConsentWithdrawnV1 } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
import { MemberRepository } from './member.repository';

/** Members come only from consent events (R7's two doors, via the consent service). */
@Injectable()
export class ConsentEventsConsumer {
  constructor(private readonly members: MemberRepository) {}

  readonly handlers: Record<string, EventEffect> = {
    'consent.granted.v1': (tx, e) => this.granted(tx, e as ConsentGrantedV1),
    'consent.withdrawn.v1': (tx, e) => this.withdrawn(tx, e as ConsentWithdrawnV1),
  };

  private async granted(tx: EntityManager, e: ConsentGrantedV1): Promise<void> {
    await this.members.applyConsent(tx, e.brandId, e.subjectRef, e.purposes, e.channels, true, e.ledgerSeq);
    await this.members.admitIfConsented(tx, e.brandId, e.subjectRef);
  }

  private async withdrawn(tx: EntityManager, e: ConsentWithdrawnV1): Promise<void> {
    await this.members.applyConsent(tx, e.brandId, e.subjectRef, e.purposes, e.channels, false, e.ledgerSeq);
    await this.members.removeIfNoConsentLeft(tx, e.subjectRef);
  }
}
