import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { TOPICS, type PrivacyProcessorGrantEndedV1 } from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { ProcessorGrantsError, ProcessorGrantsErrorCode } from './processor-grants.errors';
import { ProcessorGrantsRepository } from './processor-grants.repository';
import { grantEnd, toProcessorGrantResponse, type ProcessorGrantResponse } from './processor-grants.response';

/**
 * R15: the officer ends a grant before its period is over. `privacy.processor-grant-ended.v1` goes
 * out in the same transaction; identity stops issuing tokens for it and every service holding
 * processor routes refuses it as soon as the event reaches its inbox (ADR 0013).
 */
@Injectable()
export class RevokeProcessorGrant {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly grants: ProcessorGrantsRepository,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(officer: Actor, grantId: string, now = new Date()): Promise<ProcessorGrantResponse> {
    let endedEventId = '';
    const grant = await this.ds.transaction(async (tx) => {
      const g = await this.grants.findForUpdate(tx, grantId);
      if (!g)
        throw new ProcessorGrantsError(
          ProcessorGrantsErrorCode.GRANT_NOT_FOUND,
          `no processor grant ${grantId}`,
        );
      if (g.revokedAt || grantEnd(g) <= now)
        throw new ProcessorGrantsError(
          ProcessorGrantsErrorCode.GRANT_ALREADY_ENDED,
          `grant ${grantId} already ended at ${grantEnd(g).toISOString()}`,
        );
      await this.grants.markRevoked(tx, g.id, officer.id, now);
      ({ eventId: endedEventId } = await addToOutbox<PrivacyProcessorGrantEndedV1>(
        tx,
        TOPICS.privacyProcessorGrantEnded,
        g.id,
        {
          type: 'privacy.processor-grant-ended.v1',
          grantId: g.id,
          brandId: this.options.brandId,
          endedAt: now.toISOString(),
          reason: 'revoked',
        },
      ));
      await appendAudit(tx, {
        actor: officer.id,
        action: 'processor-grant.revoked',
        purpose: 'processor_grants',
        subject: `processor-grant:${g.id}`,
        fields: [],
        outcome: 'allowed',
      });
      return { ...g, revokedAt: now, revokedBy: officer.id };
    });
    await this.handOver(endedEventId);
    return toProcessorGrantResponse(grant, now);
  }

  /**
   * The officer's answer waits (bounded) until the relay handed the ended event to the transport. In
   * one process that means identity and audience have recorded it, so the agency's very next call is
   * refused; under Kafka it means the broker has it and consumer lag is the only delay (ADR 0013).
   */
  private async handOver(eventId: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      this.messaging.relay.kick();
      if (!(await this.ds.transaction((tx) => this.grants.isEventUnsent(tx, eventId)))) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
