/** The seam between our messaging semantics and a broker (STYLE rule 5: a real seam, two implementations). */
export interface OutgoingMessage {
  topic: string;
  /** Text, or its UTF-8 bytes (the outbox relay hands over what PostgreSQL stored without decoding it). */
  key: string | Buffer;
  value: string | Buffer;
  /** Explicit partition (watermark heartbeats); otherwise chosen from the key. */
  partition?: number;
}

export interface DeliveredMessage {
  topic: string;
  key: string;
  value: string;
  partition: number;
  offset: string;
  /**
   * A later message with the same key follows this one in what the consumer fetched (Kafka: the same
   * batch of the partition). Consumers may skip a message a later one supersedes (heartbeats).
   */
  supersededInBatch?: boolean;
}

/** How far one consumer group is behind on one partition (messages not yet processed). */
export interface ConsumerLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

/** Resolves once the message's effect is committed (or dead-lettered); rejecting means "deliver again". */
export type MessageHandler = (message: DeliveredMessage) => Promise<void>;

export interface MessageTransport {
  readonly name: 'kafka' | 'in-process';
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Creates missing topics with the configured partition count. */
  ensureTopics(topics: string[]): Promise<void>;
  partitionCount(topic: string): Promise<number>;
  /** Publishes in order; resolves when the broker acknowledged every message (acks=all). */
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(group: string, topics: string[], handler: MessageHandler): Promise<void>;
  /** Stops a group's consumer after its in-flight message; its offsets stay committed. */
  unsubscribe(group: string): Promise<void>;
  /** Lag of every group subscribed through this transport, per topic and partition. */
  consumerLag(): Promise<ConsumerLag[]>;
}
