import type { DataSource } from 'typeorm';

export interface OutboxStats {
  backlog: number;
  oldestAgeSeconds: number;
  /** Highest outbox id published: ids are a sequence, so its rate is the relay's throughput. */
  publishedPosition: number;
  deadLetters: number;
}

/** Reads the messaging tables every service has in its own schema (libs/messaging's migration). */
export async function readOutboxStats(ds: DataSource): Promise<OutboxStats> {
  const [row] = await ds.query(
    `SELECT (SELECT count(*) FROM outbox)::int AS backlog,
            coalesce(extract(epoch FROM clock_timestamp() - (SELECT min(created_at) FROM outbox)), 0)::float8 AS oldest,
            (SELECT coalesce(max(id), 0) FROM outbox_sent)::float8 AS published,
            (SELECT count(*) FROM dead_letters)::int AS dead`,
  );
  return {
    backlog: row.backlog,
    oldestAgeSeconds: Number(row.oldest),
    publishedPosition: Number(row.published),
    deadLetters: row.dead,
  };
}
