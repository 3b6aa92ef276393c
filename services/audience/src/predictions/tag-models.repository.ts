import type { EntityManager } from 'typeorm';
import { featureSelect, PROFILED } from '../features/member-features.repository';
import { FEATURES, type FeatureName } from '../rule-language/rule';
import { modelInput, type StoredModel } from '../tags/member-tags.repository';
import type { LogisticModel, TrainingMetrics } from './logistic-regression';

export interface TrainingWindow {
  /** Features are computed from facts up to the cut-off … */
  cutoff: string;
  /** … and the label is "ordered again in (cutoff, cutoff + horizonDays]". */
  horizonDays: number;
}

export class TagModelsRepository {
  /**
   * Training rows from the brand's own released facts (no sensitive ones, R2), for members who may
   * be profiled and did not close a category the model uses (R11). A stable sample when there are many.
   */
  async trainingRows(
    tx: EntityManager,
    brandId: string,
    features: FeatureName[],
    window: TrainingWindow,
    limit: number,
  ): Promise<{ x: number[][]; y: number[] }> {
    const categories = [...new Set([...features.map((f) => FEATURES[f].category), 'prediction'])];
    const scope = `rf.brand_id = $2 AND ${PROFILED('rf.subject_ref')}
      AND NOT EXISTS (SELECT 1 FROM member_category_optouts o WHERE o.subject_ref = rf.subject_ref AND o.category = ANY($3::text[]))`;
    const rows: Record<string, number | boolean>[] = await tx.query(
      `SELECT ${features.map((f, i) => `${modelInput(f, `x.${f}`)} AS x${i}`).join(', ')},
              EXISTS (SELECT 1 FROM released_facts l WHERE l.subject_ref = x.subject_ref AND NOT l.sensitive
                         AND l.ordered_at > $1::timestamptz AND l.ordered_at <= $1::timestamptz + make_interval(days => $4)) AS label
         FROM (${featureSelect('$1', scope)}) x
        ORDER BY hashtext(x.subject_ref::text), x.subject_ref
        LIMIT $5`,
      [window.cutoff, brandId, categories, window.horizonDays, limit],
    );
    return {
      x: rows.map((r) => features.map((_, i) => Number(r[`x${i}`]))),
      y: rows.map((r) => (r.label ? 1 : 0)),
    };
  }

  async store(
    tx: EntityManager,
    brandId: string,
    tag: { key: string; version: number },
    features: FeatureName[],
    model: LogisticModel,
    window: TrainingWindow,
    metrics: TrainingMetrics,
  ): Promise<number> {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`model:${brandId}:${tag.key}`]);
    const [{ v }] = await tx.query(
      'SELECT COALESCE(max(model_version), 0) + 1 AS v FROM tag_models WHERE brand_id = $1 AND tag_key = $2',
      [brandId, tag.key],
    );
    await tx.query(
      `INSERT INTO tag_models (brand_id, tag_key, model_version, tag_version, features, coefficients, training_window, metrics)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        brandId,
        tag.key,
        v,
        tag.version,
        features,
        JSON.stringify(model),
        JSON.stringify(window),
        JSON.stringify(metrics),
      ],
    );
    return v;
  }

  /** The newest model trained for this version of the tag, if any. */
  async latest(
    tx: EntityManager,
    brandId: string,
    tagKey: string,
    tagVersion: number,
  ): Promise<
    (StoredModel & { trainingWindow: TrainingWindow; metrics: TrainingMetrics; trainedAt: string }) | null
  > {
    const [r] = await tx.query(
      `SELECT model_version, features, coefficients, training_window, metrics, trained_at FROM tag_models
        WHERE brand_id = $1 AND tag_key = $2 AND tag_version = $3 ORDER BY model_version DESC LIMIT 1`,
      [brandId, tagKey, tagVersion],
    );
    if (!r) return null;
    return {
      modelVersion: r.model_version,
      features: r.features,
      ...(r.coefficients as LogisticModel),
      trainingWindow: r.training_window,
      metrics: r.metrics,
      trainedAt: r.trained_at.toISOString(),
    };
  }
}
