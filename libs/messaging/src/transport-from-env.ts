import { InProcessTransport } from './in-process.transport';
import { KafkaTransport } from './kafka.transport';
import type { MessageTransport } from './transport';

/** KAFKA_BROKERS selects real Kafka; without it, the in-process transport (standalone only). */
export function transportFromEnv(
  env: Record<string, string | undefined>,
  clientId: string,
): MessageTransport {
  const brokers = env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const partitions = Number(env.KAFKA_PARTITIONS ?? 3);
  if (brokers && brokers.length > 0) {
    return new KafkaTransport({ brokers, clientId, partitions, topicPrefix: env.KAFKA_TOPIC_PREFIX });
  }
  return new InProcessTransport(partitions);
}
