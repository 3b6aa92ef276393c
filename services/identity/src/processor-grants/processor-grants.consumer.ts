import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PrivacyProcessorGrantEndedV1, PrivacyProcessorGrantIssuedV1, TOPICS } from '@siyu/contracts';
import { ManagedInboxConsumer, on } from '@siyu/messaging';
import { IDENTITY_DB, IDENTITY_OPTIONS, type IdentityModuleOptions } from '../identity.options';
import { IdentityProcessorGrantsRepository } from './processor-grants.repository';

/**
 * R15: identity learns the grants privacy issues and ends, in its own consumer group. Without a
 * transport (identity alone) it knows none, so no processor key can be created or used.
 */
@Injectable()
export class ProcessorGrantsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer?: ManagedInboxConsumer;

  constructor(
    @Inject(IDENTITY_DB) ds: DataSource,
    @Inject(IDENTITY_OPTIONS) options: IdentityModuleOptions,
    grants: IdentityProcessorGrantsRepository,
  ) {
    if (!options.transport) return;
    this.consumer = new ManagedInboxConsumer(ds, options.transport, {
      group: 'identity.processor-grants',
      topics: [TOPICS.privacyProcessorGrantIssued, TOPICS.privacyProcessorGrantEnded],
      produces: [],
      handlers: [
        on(PrivacyProcessorGrantIssuedV1, (tx, e) =>
          grants.record(tx, {
            grantId: e.grantId,
            purpose: e.purpose,
            fields: e.fields,
            validFrom: new Date(e.validFrom),
            validUntil: new Date(e.validUntil),
          }),
        ),
        on(PrivacyProcessorGrantEndedV1, (tx, e) => grants.recordEnd(tx, e.grantId, new Date(e.endedAt))),
      ],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer?.onApplicationBootstrap();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.onApplicationShutdown();
  }
}
