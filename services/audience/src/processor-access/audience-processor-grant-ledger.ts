import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor, ProcessorGrantLedger, ProcessorRefusalCode } from '@siyu/auth';
import { AUDIENCE_DB } from '../audience.options';
import { ProcessorAccessRepository } from './processor-access.repository';

/**
 * What the guard asks audience about a processor's grant (R15): ended early (recorded from
 * `privacy.processor-grant-ended.v1`), and where a refusal is audited before the 403.
 */
@Injectable()
export class AudienceProcessorGrantLedger implements ProcessorGrantLedger {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    private readonly access: ProcessorAccessRepository,
  ) {}

  hasEnded(grantId: string): Promise<boolean> {
    return this.ds.transaction((tx) => this.access.hasEnded(tx, grantId));
  }

  async recordProcessorRefusal(actor: Actor, code: ProcessorRefusalCode, request: Request): Promise<void> {
    await this.ds.transaction((tx) =>
      appendAudit(tx, {
        actor: actor.id,
        action: 'processor.refused',
        purpose: actor.grant?.purpose ?? 'unknown',
        subject: `processor-grant:${actor.grant?.id ?? 'none'}`,
        // The route's path template, never its values beyond ids the route itself validates.
        fields: [code, `${request.method} ${request.route?.path ?? ''}`],
        outcome: 'refused',
      }),
    );
  }
}
