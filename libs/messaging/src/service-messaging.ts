import type { DataSource } from 'typeorm';
import { InboxConsumer, type InboxConsumerOptions } from './inbox-consumer';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import type { MessageTransport } from './transport';

export interface ServiceMessagingOptions {
  schema: string;
  /** Topics this service produces; created at start-up. */
  produces: string[];
  consumers: Omit<InboxConsumerOptions, 'group'>[];
  relay?: OutboxRelayOptions;
}

/** A service's messaging: one outbox relay and its inbox consumers, started and stopped together. */
export class ServiceMessaging {
  readonly relay: OutboxRelay;
  private readonly consumers: InboxConsumer[];

  constructor(
    ds: DataSource,
    readonly transport: MessageTransport,
    private readonly options: ServiceMessagingOptions,
  ) {
    this.relay = new OutboxRelay(ds, transport, options.schema, options.relay);
    // Consumer group = service name: each service sees every event once.
    this.consumers = options.consumers.map((c) => new InboxConsumer(ds, transport, { ...c, group: options.schema }));
  }

  async start(): Promise<void> {
    await this.transport.ensureTopics(this.options.produces);
    for (const c of this.consumers) await c.start();
    this.relay.start();
  }

  async stop(): Promise<void> {
    await this.relay.stop();
  }
}
