import type { EntityManager } from 'typeorm';
import type { ServiceCount } from './individuals-bounds';

export interface IndividualsCountRow {
  id: string;
  startedAt: string;
  startedBy: string;
  services: string[];
  answers: (ServiceCount & { answeredAt: string })[];
}

/** The only SQL over the individuals counts (R19). */
export class IndividualsCountRepository {
  async insert(tx: EntityManager, id: string, at: Date, by: string, services: string[]): Promise<void> {
    await tx.query(
      'INSERT INTO individuals_counts (id, started_at, started_by, services) VALUES ($1, $2, $3, $4)',
      [id, at, by, services],
    );
  }

  /** A service's first answer to a count that waits for it; anything else changes nothing. */
  async recordAnswer(
    tx: EntityManager,
    countId: string,
    service: string,
    populations: ServiceCount['populations'],
    at: Date,
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `INSERT INTO individuals_count_answers (count_id, service, populations, answered_at)
       SELECT id, $2, $3::jsonb, $4 FROM individuals_counts WHERE id = $1 AND $2 = ANY(services)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [countId, service, JSON.stringify(populations), at],
    );
    return rows.length > 0;
  }

  async findLatest(tx: EntityManager): Promise<IndividualsCountRow | undefined> {
    const [c] = await tx.query('SELECT id FROM individuals_counts ORDER BY started_at DESC, id LIMIT 1');
    return c ? this.findById(tx, c.id) : undefined;
  }

  async findById(tx: EntityManager, id: string): Promise<IndividualsCountRow | undefined> {
    const [c] = await tx.query(
      'SELECT id, started_at AS "startedAt", started_by AS "startedBy", services FROM individuals_counts WHERE id = $1',
      [id],
    );
    if (!c) return undefined;
    const answers = await tx.query(
      `SELECT service, populations, answered_at AS "answeredAt" FROM individuals_count_answers
        WHERE count_id = $1 ORDER BY service`,
      [id],
    );
    return {
      ...c,
      startedAt: new Date(c.startedAt).toISOString(),
      answers: answers.map((a: ServiceCount & { answeredAt: Date }) => ({
        ...a,
        answeredAt: new Date(a.answeredAt).toISOString(),
      })),
    };
  }
}
