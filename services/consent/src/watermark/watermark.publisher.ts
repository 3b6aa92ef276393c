import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS, type ConsentWatermarkV1 } from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { databaseNow, holdWatermarkExclusive } from './watermark-lock.repository';

/** Publishes a heartbeat on every partition of `consent.withdrawn.v1` (ARCHITECTURE invariant 4). */
@Injectable()
export class WatermarkPublisher {
  private readonly logger = new Logger('consent-watermark');
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly messaging: ServiceMessaging,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
  ) {}

  start(): void {
    const every = this.options.watermarkIntervalMs ?? 250;
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.publishOnce()
        .catch((err) => this.logger.warn(`watermark not published: ${(err as Error).message}`))
        .finally(() => (this.inFlight = undefined));
    }, every);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }

  async publishOnce(): Promise<void> {
    const partitions = await this.messaging.transport.partitionCount(TOPICS.consentWithdrawn);
    await this.ds.transaction(async (tx) => {
      await holdWatermarkExclusive(tx);
      const at = await databaseNow(tx);
      for (let partition = 0; partition < partitions; partition++) {
        await addToOutbox<ConsentWatermarkV1>(
          tx,
          TOPICS.consentWithdrawn,
          `watermark-${partition}`,
          { type: 'consent.watermark.v1', at, partition },
          partition,
        );
      }
    });
    this.messaging.relay.kick();
  }
}
