import type {
  ConsumerLag,
  DeliveredMessage,
  MessageHandler,
  MessageTransport,
  OutgoingMessage,
} from './transport';
import { partitionForKey } from './partitioner';

interface Group {
  topics: Set<string>;
  handler: MessageHandler;
  /** One delivery chain per topic-partition keeps per-key order, as Kafka does. */
  chains: Map<string, Promise<void>>;
  /** Messages queued on each chain and not yet handled: the group's lag. */
  pending: Map<string, number>;
}

/**
 * Same semantics as the Kafka transport inside one process (`standalone`): topics with partitions,
 * per-key order, one delivery per consumer group, at-least-once. `publish` resolves only after every
 * subscribed group has committed the effect (or dead-lettered it), so the outbox marks a row sent
 * only once nothing can be lost by a crash: an unmarked row is simply delivered again.
 */
export class InProcessTransport implements MessageTransport {
  readonly name = 'in-process' as const;
  private readonly topics = new Map<string, { partitions: number; offsets: number[] }>();
  private readonly groups = new Map<string, Group>();

  constructor(private readonly defaultPartitions = 3) {}

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {
    await Promise.all([...this.groups.values()].flatMap((g) => [...g.chains.values()]));
    this.groups.clear();
  }

  async ensureTopics(topics: string[]): Promise<void> {
    for (const t of topics) {
      if (!this.topics.has(t))
        this.topics.set(t, {
          partitions: this.defaultPartitions,
          offsets: new Array(this.defaultPartitions).fill(0),
        });
    }
  }

  async partitionCount(topic: string): Promise<number> {
    await this.ensureTopics([topic]);
    return this.topics.get(topic)!.partitions;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    const deliveries: Promise<void>[] = [];
    for (const m of messages) {
      await this.ensureTopics([m.topic]);
      const topic = this.topics.get(m.topic)!;
      const key = typeof m.key === 'string' ? m.key : m.key.toString('utf8');
      const partition = m.partition ?? partitionForKey(key, topic.partitions);
      if (partition < 0 || partition >= topic.partitions)
        throw new Error(`topic ${m.topic} has no partition ${partition}`);
      const delivered: DeliveredMessage = {
        topic: m.topic,
        key,
        value: typeof m.value === 'string' ? m.value : m.value.toString('utf8'),
        partition,
        offset: String(topic.offsets[partition]++),
      };
      for (const group of this.groups.values()) {
        if (!group.topics.has(m.topic)) continue;
        const chainKey = `${m.topic}:${partition}`;
        group.pending.set(chainKey, (group.pending.get(chainKey) ?? 0) + 1);
        const next = (group.chains.get(chainKey) ?? Promise.resolve())
          .then(() => deliverUntilHandled(group.handler, delivered))
          .finally(() => group.pending.set(chainKey, group.pending.get(chainKey)! - 1));
        group.chains.set(chainKey, next);
        deliveries.push(next);
      }
    }
    await Promise.all(deliveries);
  }

  async unsubscribe(group: string): Promise<void> {
    const g = this.groups.get(group);
    this.groups.delete(group);
    if (g) await Promise.all(g.chains.values());
  }

  async subscribe(group: string, topics: string[], handler: MessageHandler): Promise<void> {
    await this.ensureTopics(topics);
    const existing = this.groups.get(group);
    if (existing) throw new Error(`consumer group ${group} already subscribed`);
    this.groups.set(group, { topics: new Set(topics), handler, chains: new Map(), pending: new Map() });
  }

  async consumerLag(): Promise<ConsumerLag[]> {
    const lags: ConsumerLag[] = [];
    for (const [group, g] of this.groups)
      for (const topic of g.topics)
        for (let partition = 0; partition < (this.topics.get(topic)?.partitions ?? 0); partition++)
          lags.push({ group, topic, partition, lag: g.pending.get(`${topic}:${partition}`) ?? 0 });
    return lags;
  }
}

/** A rejecting handler means "redeliver" (as Kafka would after a consumer restart). */
async function deliverUntilHandled(handler: MessageHandler, message: DeliveredMessage): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await handler(message);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
    }
  }
}
