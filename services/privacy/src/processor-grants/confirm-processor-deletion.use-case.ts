import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { PRIVACY_DB } from '../privacy.options';
import { ProcessorGrantsError, ProcessorGrantsErrorCode } from './processor-grants.errors';
import { ProcessorGrantsRepository } from './processor-grants.repository';
import { grantEnd, toProcessorGrantResponse, type ProcessorGrantResponse } from './processor-grants.response';

/**
 * R15: at a grant's end the agency deletes (or returns) what it received and confirms it; the
 * officer records that confirmation here, once, audited. Before the end there is nothing to confirm.
 */
@Injectable()
export class ConfirmProcessorDeletion {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly grants: ProcessorGrantsRepository,
  ) {}

  async execute(
    officer: Actor,
    grantId: string,
    input: { reference: string },
    now = new Date(),
  ): Promise<ProcessorGrantResponse> {
    const grant = await this.ds.transaction(async (tx) => {
      const g = await this.grants.findForUpdate(tx, grantId);
      if (!g)
        throw new ProcessorGrantsError(
          ProcessorGrantsErrorCode.GRANT_NOT_FOUND,
          `no processor grant ${grantId}`,
        );
      if (grantEnd(g) > now)
        throw new ProcessorGrantsError(
          ProcessorGrantsErrorCode.GRANT_NOT_ENDED,
          `grant ${grantId} runs until ${grantEnd(g).toISOString()}; end or revoke it first`,
        );
      if (g.deletionConfirmedAt)
        throw new ProcessorGrantsError(
          ProcessorGrantsErrorCode.DELETION_ALREADY_CONFIRMED,
          `deletion of grant ${grantId} was confirmed at ${new Date(g.deletionConfirmedAt).toISOString()}`,
        );
      await this.grants.markDeletionConfirmed(tx, g.id, officer.id, now, input.reference);
      await appendAudit(tx, {
        actor: officer.id,
        action: 'processor-grant.deletion-confirmed',
        purpose: 'processor_grants',
        subject: `processor-grant:${g.id}`,
        fields: ['deletion_reference'],
        outcome: 'allowed',
      });
      return {
        ...g,
        deletionConfirmedAt: now,
        deletionConfirmedBy: officer.id,
        deletionReference: input.reference,
      };
    });
    return toProcessorGrantResponse(grant, now);
  }
}
