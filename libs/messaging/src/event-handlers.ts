import type { InjectionToken, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventBase } from '@siyu/contracts';
import { InboxConsumer, type EventEffect } from './inbox-consumer';
import type { DeliveredMessage, MessageTransport } from './transport';

/** A contract class (libs/contracts): constructed without arguments, it names its own event type. */
export type EventClass<E extends EventBase> = new () => E;

/** One event type's effect, typed by its contract class instead of a cast at the call site. */
export interface EventHandler {
  type: string;
  effect: EventEffect;
}

/**
 * `on(PrivacyAccessRequestedV1, (tx, e) => …)`: `e` is the validated contract instance. The inbox
 * parses every payload into its contract class first, so the check here fails only on a wiring
 * mistake (a handler registered under another class), never on input.
 */
export function on<E extends EventBase>(
  event: EventClass<E>,
  effect: (tx: EntityManager, event: E, message: DeliveredMessage) => Promise<void>,
): EventHandler {
  const type = new event().type;
  return {
    type,
    effect: async (tx, e, message) => {
      if (!(e instanceof event))
        throw new Error(`${type}: handler expects ${event.name}, got ${e.constructor.name}`);
      return effect(tx, e, message);
    },
  };
}

/** The inbox's handler table from typed handlers; one handler per event type. */
export function eventHandlerMap(handlers: EventHandler[]): Record<string, EventEffect> {
  const map: Record<string, EventEffect> = {};
  for (const h of handlers) {
    if (map[h.type]) throw new Error(`two handlers for ${h.type}`);
    map[h.type] = h.effect;
  }
  return map;
}

/** A consumer group that runs for the application's lifetime: started at bootstrap, stopped at shutdown. */
export class ManagedInboxConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumer: InboxConsumer;

  constructor(
    ds: DataSource,
    private readonly transport: MessageTransport,
    private readonly spec: { group: string; topics: string[]; produces: string[]; handlers: EventHandler[] },
  ) {
    this.consumer = new InboxConsumer(ds, transport, {
      group: spec.group,
      topics: spec.topics,
      handlers: eventHandlerMap(spec.handlers),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // The topics its effects write to (through the outbox) exist before the first event arrives.
    if (this.spec.produces.length > 0) await this.transport.ensureTopics(this.spec.produces);
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}

export interface InboxConsumerDefinition<Deps extends unknown[]> {
  /** The provider token, e.g. 'consent.data-subject-requests'. */
  provide: string;
  /** Consumer group = inbox consumer name. */
  group: string;
  topics: string[];
  /** Topics the handlers' effects publish to, created at start. */
  produces?: string[];
  /** The service's DataSource token and a token whose value carries the service's transport. */
  db: InjectionToken;
  options: InjectionToken;
  /** The collaborators the handlers call, injected in this order. */
  inject: InjectionToken[];
  handlers: (...deps: Deps) => EventHandler[];
}

/**
 * The one way a service declares a Kafka/in-process inbox consumer as a Nest provider: group, topics,
 * typed handlers and lifecycle, instead of a hand-written consumer class per feature.
 */
export function inboxConsumerProvider<Deps extends unknown[]>(def: InboxConsumerDefinition<Deps>): Provider {
  return {
    provide: def.provide,
    inject: [def.db, def.options, ...def.inject],
    useFactory: (ds: DataSource, options: { transport: MessageTransport }, ...deps: unknown[]) =>
      new ManagedInboxConsumer(ds, options.transport, {
        group: def.group,
        topics: def.topics,
        produces: def.produces ?? [],
        handlers: def.handlers(...(deps as Deps)),
      }),
  };
}
