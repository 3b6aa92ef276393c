import type { EntityManager } from 'typeorm';

export interface ImpactAssessment {
  id: string;
  subjectKey: string;
  summary: string;
  risks: string;
  measures: string;
  conclusion: 'acceptable' | 'acceptable_with_measures' | 'not_acceptable';
  assessedBy: string;
  assessedAt: string;
  keepUntil: string;
}

const COLUMNS = `id, subject_key AS "subjectKey", summary, risks, measures, conclusion, assessed_by AS "assessedBy",
  assessed_at AS "assessedAt", keep_until AS "keepUntil"`;

/** The only SQL over the impact-assessment register. */
export class ImpactAssessmentsRepository {
  async insert(tx: EntityManager, a: ImpactAssessment): Promise<void> {
    await tx.query(
      `INSERT INTO impact_assessments
         (id, subject_key, summary, risks, measures, conclusion, assessed_by, assessed_at, keep_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        a.id,
        a.subjectKey,
        a.summary,
        a.risks,
        a.measures,
        a.conclusion,
        a.assessedBy,
        a.assessedAt,
        a.keepUntil,
      ],
    );
  }

  /**
   * PIPL Art. 56: deletes the assessments whose `keep_until` has passed, and never one younger than
   * three years whatever its `keep_until` says (a row edited to expire early is kept).
   */
  async deleteExpired(tx: EntityManager, now: Date): Promise<{ id: string; subjectKey: string }[]> {
    // TypeORM answers a DELETE … RETURNING as [rows, affected count].
    const [rows] = await tx.query(
      `DELETE FROM impact_assessments
        WHERE keep_until <= $1 AND assessed_at + interval '3 years' <= $1
        RETURNING id, subject_key AS "subjectKey"`,
      [now.toISOString()],
    );
    return rows;
  }

  async listAll(tx: EntityManager): Promise<ImpactAssessment[]> {
    const rows = await tx.query(`SELECT ${COLUMNS} FROM impact_assessments ORDER BY assessed_at DESC, id`);
    return rows.map((r: ImpactAssessment & { assessedAt: Date; keepUntil: Date }) => ({
      ...r,
      assessedAt: new Date(r.assessedAt).toISOString(),
      keepUntil: new Date(r.keepUntil).toISOString(),
    }));
  }
}
