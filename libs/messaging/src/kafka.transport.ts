import { Admin, Consumer, Kafka, logLevel, Producer, CompressionTypes, type logCreator } from 'kafkajs';
import type { ConsumerLag, MessageHandler, MessageTransport, OutgoingMessage } from './transport';

/** How long a start-up waits for a topic's partitions to be served before it gives up. */
const TOPIC_READY_TIMEOUT_MS = 30_000;
/**
 * Retry policy of every client (producer, admin, consumers). A try waits at most 1 s: after a broker
 * restart the next try reaches it within a second of it answering again. With a 5 s cap a client
 * whose broker had been gone a while waited up to 5 s between tries, and the relay on top of it.
 */
const RETRY = { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } as const;
/**
 * A consumer whose retries run out while the broker is down crashes and kafkajs starts it again as a
 * new group member; the broker, once back, still holds the old member and completes the rejoin only
 * when that member's session expires. So the session timeout is what a restart costs every group
 * (30 s, kafkajs's default, measured in `kafka-broker-restart.int-spec.ts`); it is also how long a
 * SIGKILLed service's partitions stay with its dead member. 10 s keeps that short; heartbeats go every
 * 2 s, also between messages of a batch, so a slow handler does not lose its membership, and one that
 * does is only redelivered (the inbox applies an event once).
 */
const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 2_000;
/** The broker answers these while a topic created a moment ago (by us or another process) settles. */
const TOPIC_NOT_READY = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
]);
const SETTLING_ERROR =
  /does not host this topic-partition|no leader for this topic-partition|not the leader for that topic-partition/i;

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

/**
 * kafkajs's console logger, minus the errors it logs for answers this transport handles itself:
 * metadata and offsets of a topic still settling (ensureTopics waits that out) and "already exists" when two
 * services create a topic at once (kafkajs resolves that; any other creation error is thrown).
 */
const quietWhileTopicsSettle: logCreator =
  () =>
  ({ namespace, level, label, log }) => {
    const error = typeof log.error === 'string' ? log.error : '';
    const message = String(log.message);
    const handled =
      ((message.startsWith('Response Metadata') || message.startsWith('Response ListOffsets')) &&
        SETTLING_ERROR.test(error)) ||
      (message.startsWith('Response CreateTopics') && error === 'Topic creation errors');
    if (handled || level > logLevel.ERROR) return;
    console.error(JSON.stringify({ level: label, ...log, message: `[${namespace}] ${message}` }));
  };

/** The only place that imports kafkajs (STYLE rule 8), so the client can be swapped. */
export class KafkaTransport implements MessageTransport {
  readonly name = 'kafka' as const;
  private readonly kafka: Kafka;
  private admin?: Admin;
  private producer?: Producer;
  private readonly consumers = new Map<string, Consumer>();
  private readonly partitionCache = new Map<string, number>();
  /** Topics (prefixed) whose every partition had a leader when we last asked. */
  private readonly servedTopics = new Set<string>();
  /** Group (unprefixed) → topics (unprefixed) it subscribed, for the lag report. */
  private readonly subscriptions = new Map<string, string[]>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.ERROR,
      logCreator: quietWhileTopicsSettle,
      retry: RETRY,
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

  /**
   * Creates missing topics, then waits until the broker serves every partition of every topic
   * asked for — also those another process created a moment ago. kafkajs's own `waitForLeaders`
   * covers only topics this call created and only LEADER_NOT_AVAILABLE, while a KRaft broker answers
   * UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition") until its metadata
   * catches up: a consumer subscribing then failed the service's start.
   */
  async ensureTopics(topics: string[]): Promise<void> {
    const wanted = [...new Set(topics.map((t) => this.t(t)))];
    const existing = new Set(await this.admin!.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      // Another process may create the same topic meanwhile: kafkajs then resolves false, fine.
      await this.admin!.createTopics({
        waitForLeaders: false,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.partitions,
          replicationFactor: 1,
        })),
      });
    }
    await this.waitUntilServed(wanted);
  }

  private async waitUntilServed(prefixedTopics: string[]): Promise<void> {
    const pending = prefixedTopics.filter((t) => !this.servedTopics.has(t));
    if (pending.length === 0) return;
    const deadline = Date.now() + TOPIC_READY_TIMEOUT_MS;
    for (let delay = 50; ; delay = Math.min(1000, delay * 2)) {
      let why: string;
      try {
        const meta = await this.admin!.fetchTopicMetadata({ topics: pending });
        const unled = meta.topics.filter(
          (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
        );
        if (unled.length === 0) {
          // A leader in the metadata is not yet a loaded partition: ask each for its offsets too.
          for (const t of pending) await this.admin!.fetchTopicOffsets(t);
          for (const t of pending) this.servedTopics.add(t);
          return;
        }
        why = `no leader yet for ${unled.map((t) => t.name).join(', ')}`;
      } catch (err) {
        if (!TOPIC_NOT_READY.has((err as { type?: string }).type ?? '')) throw err;
        why = (err as Error).message;
      }
      if (Date.now() + delay > deadline)
        throw new Error(
          `Kafka did not serve topics ${pending.join(', ')} within ${TOPIC_READY_TIMEOUT_MS / 1000} s (${why}); is the broker healthy?`,
        );
      await new Promise((r) => setTimeout(r, delay));
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
      retry: RETRY,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
    });
    // Subscribing to a topic the broker does not serve yet fails the start (see ensureTopics).
    await this.waitUntilServed(topics.map((t) => this.t(t)));
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic: this.t(topic), fromBeginning: true });
    const prefix = this.options.topicPrefix ?? '';
    await consumer.run({
      // Partitions are handled concurrently (order holds within each, which is all Kafka promises).
      partitionsConsumedConcurrently: this.options.partitions,
      // Only offsets of handled messages are resolved: a batch left early (rebalance, stop) is not skipped.
      eachBatchAutoResolve: false,
      // Message by message, as kafkajs's eachMessage does (handle, resolve, heartbeat, commit when due),
      // but seeing the batch: a message followed by a later one of its key is marked superseded, so a
      // consumer catching up on a backlog of heartbeats applies the latest of each, not every one.
      // The offset is committed only after the handler resolved, i.e. after the effect committed.
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        const lastOfKey = new Map<string, number>();
        batch.messages.forEach((m, i) => lastOfKey.set(m.key?.toString() ?? '', i));
        for (let i = 0; i < batch.messages.length; i++) {
          if (!isRunning() || isStale()) break;
          const message = batch.messages[i];
          const key = message.key?.toString() ?? '';
          await handler({
            topic: batch.topic.slice(prefix.length),
            key,
            value: message.value?.toString() ?? '',
            partition: batch.partition,
            offset: message.offset,
            supersededInBatch: (lastOfKey.get(key) ?? i) > i,
          });
          resolveOffset(message.offset);
          await heartbeat();
          await commitOffsetsIfNecessary();
        }
      },
    });
    this.consumers.set(group, consumer);
    this.subscriptions.set(group, [...topics]);
  }

  async unsubscribe(group: string): Promise<void> {
    const consumer = this.consumers.get(group);
    this.consumers.delete(group);
    this.subscriptions.delete(group);
    await consumer?.disconnect();
  }

  /**
   * Lag as a Kafka exporter computes it: the partition's end offset minus the group's committed
   * offset (a group that committed nothing yet lags by everything still on the partition).
   */
  async consumerLag(): Promise<ConsumerLag[]> {
    const prefix = this.options.topicPrefix ?? '';
    const lags: ConsumerLag[] = [];
    for (const [group, topics] of this.subscriptions) {
      const committed = await this.admin!.fetchOffsets({
        groupId: prefix + group,
        topics: topics.map((t) => this.t(t)),
      });
      for (const { topic, partitions } of committed) {
        const ends = await this.admin!.fetchTopicOffsets(topic);
        for (const end of ends) {
          const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const from = Number(done) >= 0 ? Number(done) : Number(end.low);
          lags.push({
            group,
            topic: topic.slice(prefix.length),
            partition: end.partition,
            lag: Math.max(0, Number(end.high) - from),
          });
        }
      }
    }
    return lags;
  }
}
