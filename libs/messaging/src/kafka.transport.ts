import { Admin, Consumer, Kafka, logLevel, Producer, CompressionTypes } from 'kafkajs';
import type { MessageHandler, MessageTransport, OutgoingMessage } from './transport';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  /** Partition count for topics we create at start-up. */
  partitions: number;
  /** Prefix for every topic (tests isolate themselves this way). */
  topicPrefix?: string;
  /**
   * Acknowledgements a publish waits for: -1 (all in-sync replicas, the default: the outbox relay
   * marks rows sent only after this) or 1 (the partition leader only).
   */
  acks?: -1 | 1;
}

/** The only place that imports kafkajs (STYLE rule 8), so the client can be swapped. */
export class KafkaTransport implements MessageTransport {
  readonly name = 'kafka' as const;
  private readonly kafka: Kafka;
  private admin?: Admin;
  private producer?: Producer;
  private readonly consumers = new Map<string, Consumer>();
  private readonly partitionCache = new Map<string, number>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.ERROR,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
    });
  }

  private t(topic: string): string {
    return (this.options.topicPrefix ?? '') + topic;
  }

  async connect(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await Promise.allSettled([...this.consumers.values()].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }

  async ensureTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.admin!.listTopics());
    const missing = [...new Set(topics.map((t) => this.t(t)))].filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await this.admin!.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.partitions,
          replicationFactor: 1,
        })),
      });
    }
  }

  async partitionCount(topic: string): Promise<number> {
    const cached = this.partitionCache.get(topic);
    if (cached) return cached;
    const meta = await this.admin!.fetchTopicMetadata({ topics: [this.t(topic)] });
    const count = meta.topics[0].partitions.length;
    this.partitionCache.set(topic, count);
    return count;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    // One batched request, acks as configured (all by default); with maxInFlightRequests=1 order
    // per partition is kept.
    await this.producer!.sendBatch({
      acks: this.options.acks ?? -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, ms]) => ({
        topic: this.t(topic),
        messages: ms.map((m) => ({ key: m.key, value: m.value, partition: m.partition })),
      })),
    });
  }

  async subscribe(group: string, topics: string[], handler: MessageHandler): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: (this.options.topicPrefix ?? '') + group,
      // After the retries the consumer restarts (kafkajs restartOnFailure) and the message is redelivered.
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 5000 },
    });
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic: this.t(topic), fromBeginning: true });
    const prefix = this.options.topicPrefix ?? '';
    await consumer.run({
      // Partitions are handled concurrently (order holds within each, which is all Kafka promises).
      partitionsConsumedConcurrently: this.options.partitions,
      // The offset is committed only after the handler resolved, i.e. after the effect committed.
      eachMessage: async ({ topic, partition, message }) => {
        await handler({
          topic: topic.slice(prefix.length),
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          partition,
          offset: message.offset,
        });
      },
    });
    this.consumers.set(group, consumer);
  }

  async unsubscribe(group: string): Promise<void> {
    const consumer = this.consumers.get(group);
    this.consumers.delete(group);
    await consumer?.disconnect();
  }
}
