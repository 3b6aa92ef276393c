import type { DataSource } from 'typeorm';
import { InboxConsumer, type InboxConsumerOptions } from './inbox-consumer';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import type { MessageTransport } from './transport';

export interface ServiceMessagingOptions {
  schema: string;
  /** Topics this service produces; created at start-up. */
  produces: string[];
  /** Each consumer is its own group (`<schema>.<name>`): Kafka wants one subscription per group. */
  consumers: (Omit<InboxConsumerOptions, 'group'> & { name: string })[];
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
    // One group per consumer of this service: each service sees every event once.
    this.consumers = options.consumers.map(
      ({ name, ...c }) => new InboxConsumer(ds, transport, { ...c, group: `${options.schema}.${name}` }),
    );
  }

  async start(): Promise<void> {
    await this.transport.ensureTopics(this.options.produces);
    for (const c of this.consumers) await c.start();
    this.relay.start();
  }

  async stop(): Promise<void> {
    for (const c of this.consumers) await c.stop();
    await this.relay.stop();
  }
}
