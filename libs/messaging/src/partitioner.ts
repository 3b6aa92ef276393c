import { createHash } from 'node:crypto';

/** Stable key → partition mapping used by the in-process transport (Kafka uses its own murmur2). */
export function partitionForKey(key: string, partitions: number): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) % partitions;
}
