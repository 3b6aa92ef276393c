import type { InjectionToken, Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { ManagedInboxConsumer, type EventHandler, type MessageTransport } from '@siyu/messaging';
import { subjectRequestHandlers, subjectRequestTopics } from './answer-subject-request';
import type { SubjectDataPort } from './subject-data.port';

export interface SubjectRequestsConsumerDefinition<Deps extends unknown[]> {
  /** Provider token and consumer group (= inbox consumer name), e.g. 'consent.data-subject-requests'. */
  group: string;
  /** The service's DataSource token and a token whose value carries the service's transport. */
  db: InjectionToken;
  options: InjectionToken;
  /** The service's own `SubjectDataPort`. */
  port: InjectionToken;
  /** Topics the port's effects publish to besides the answer (a withdrawal, a revoked release). */
  produces?: string[];
  /** Other privacy requests the same group answers (R19's individuals count), with their collaborators. */
  also?: {
    topics: string[];
    produces: string[];
    inject: InjectionToken[];
    handlers: (...deps: Deps) => EventHandler[];
  };
}

/**
 * A service's data-subject-request consumer as a Nest provider: the request topics its port answers,
 * each applied once through the inbox (a redelivery has no second effect or answer), answered through
 * the outbox in the same transaction. The service writes only its port.
 */
export function subjectRequestsConsumerProvider<Deps extends unknown[] = []>(
  def: SubjectRequestsConsumerDefinition<Deps>,
): Provider {
  const also = def.also;
  return {
    provide: def.group,
    inject: [def.db, def.options, def.port, ...(also?.inject ?? [])],
    useFactory: (
      ds: DataSource,
      options: { transport: MessageTransport },
      port: SubjectDataPort,
      ...deps: unknown[]
    ) =>
      new ManagedInboxConsumer(ds, options.transport, {
        group: def.group,
        topics: [...subjectRequestTopics(port), ...(also?.topics ?? [])],
        produces: [TOPICS.privacyRequestAnswered, ...(def.produces ?? []), ...(also?.produces ?? [])],
        handlers: [...subjectRequestHandlers(port), ...(also ? also.handlers(...(deps as Deps)) : [])],
      }),
  };
}
