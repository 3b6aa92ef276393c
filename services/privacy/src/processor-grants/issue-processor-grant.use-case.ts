import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { TOPICS, type PrivacyProcessorGrantIssuedV1 } from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { ENTRUSTMENT_DUTIES } from '../processors/processor-register';
import { ProcessorGrantsError, ProcessorGrantsErrorCode } from './processor-grants.errors';
import { ProcessorGrantsRepository } from './processor-grants.repository';
import type { IssueProcessorGrantRequest } from './processor-grants.request';
import { toProcessorGrantResponse, type ProcessorGrantResponse } from './processor-grants.response';

/** A grant lasts at most a year: a longer entrustment is renewed, and reviewed, by a new grant. */
export const MAX_GRANT_DAYS = 366;

/**
 * R15 (PIPL Art. 21): a privacy officer entrusts an agency with catalogue fields for a purpose and
 * period, under every Art. 21 duty. Grant, event (identity binds keys to it) and audit commit together.
 */
@Injectable()
export class IssueProcessorGrant {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly grants: ProcessorGrantsRepository,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(
    officer: Actor,
    input: IssueProcessorGrantRequest,
    now = new Date(),
  ): Promise<ProcessorGrantResponse> {
    const validFrom = new Date(input.validFrom);
    const validUntil = new Date(input.validUntil);
    if (validUntil <= validFrom)
      throw new ProcessorGrantsError(
        ProcessorGrantsErrorCode.INVALID_PERIOD,
        'validUntil must be after validFrom',
      );
    if (validUntil <= now)
      throw new ProcessorGrantsError(ProcessorGrantsErrorCode.INVALID_PERIOD, 'validUntil is already past');
    if (validUntil.getTime() - validFrom.getTime() > MAX_GRANT_DAYS * 86_400_000)
      throw new ProcessorGrantsError(
        ProcessorGrantsErrorCode.INVALID_PERIOD,
        `a grant lasts at most ${MAX_GRANT_DAYS} days; issue a new one to renew`,
      );
    const missing = ENTRUSTMENT_DUTIES.filter((d) => !input.dutiesAcknowledged.includes(d));
    if (missing.length > 0)
      throw new ProcessorGrantsError(
        ProcessorGrantsErrorCode.DUTIES_NOT_ACKNOWLEDGED,
        `dutiesAcknowledged lacks: ${missing.join('; ')}`,
      );
    const grant = await this.ds.transaction(async (tx) => {
      const stored = await this.grants.insert(tx, {
        id: randomUUID(),
        processorName: input.processorName,
        contractReference: input.contractReference,
        purpose: input.purpose,
        fields: input.fields,
        validFrom,
        validUntil,
        dutiesAcknowledged: [...ENTRUSTMENT_DUTIES],
        createdBy: officer.id,
      });
      await addToOutbox<PrivacyProcessorGrantIssuedV1>(tx, TOPICS.privacyProcessorGrantIssued, stored.id, {
        type: 'privacy.processor-grant-issued.v1',
        grantId: stored.id,
        brandId: this.options.brandId,
        purpose: stored.purpose,
        fields: stored.fields,
        validFrom: validFrom.toISOString(),
        validUntil: validUntil.toISOString(),
      });
      await appendAudit(tx, {
        actor: officer.id,
        action: 'processor-grant.issued',
        purpose: 'processor_grants',
        subject: `processor-grant:${stored.id}`,
        fields: [...stored.fields],
        outcome: 'allowed',
      });
      return stored;
    });
    // Identity learns the grant without waiting for the relay's idle delay.
    this.messaging.relay.kick();
    return toProcessorGrantResponse(grant, now);
  }
}
