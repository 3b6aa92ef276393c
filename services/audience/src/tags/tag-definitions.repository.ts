import type { EntityManager } from 'typeorm';
import type { TagCategory } from '@siyu/contracts';
import type { TagInfo } from '../rule-language/rule';
import { tagInfo, type Layer, type TagDefinition, type TagDefinitionInput } from './tag-definition';

interface Row {
  brand_id: string;
  key: string;
  version: number;
  layer: Layer;
  category: TagCategory;
  personalised: boolean;
  sensitive: boolean;
  spending_power: boolean;
  definition: Pick<TagDefinition, 'fact' | 'model' | 'prediction'>;
  labels: TagDefinition['labels'];
}

const toDefinition = (r: Row): TagDefinition => ({
  brandId: r.brand_id,
  key: r.key,
  version: r.version,
  layer: r.layer,
  category: r.category,
  personalised: r.personalised,
  sensitive: r.sensitive,
  spendingPower: r.spending_power,
  labels: r.labels,
  ...r.definition,
});

const COLUMNS =
  'brand_id, key, version, layer, category, personalised, sensitive, spending_power, definition, labels';

export class TagDefinitionsRepository {
  /** Adds a version of the tag (1 for a new key) and makes it the current one. */
  async addVersion(
    tx: EntityManager,
    brandId: string,
    d: TagDefinitionInput,
    createdBy: string,
  ): Promise<TagDefinition> {
    // Serialise versions of one key: two marketers saving at once get 2 and 3, not two 2s.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tag:${brandId}:${d.key}`]);
    const [{ v }] = await tx.query(
      'SELECT COALESCE(max(version), 0) + 1 AS v FROM tag_definitions WHERE brand_id = $1 AND key = $2',
      [brandId, d.key],
    );
    await tx.query(
      'UPDATE tag_definitions SET current = false WHERE brand_id = $1 AND key = $2 AND current',
      [brandId, d.key],
    );
    const definition = { fact: d.fact, model: d.model, prediction: d.prediction };
    const [row] = await tx.query(
      `INSERT INTO tag_definitions (brand_id, key, version, layer, category, personalised, sensitive, spending_power,
                                    definition, labels, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
      [
        brandId,
        d.key,
        v,
        d.layer,
        d.category,
        d.personalised,
        d.sensitive,
        d.spendingPower,
        JSON.stringify(definition),
        JSON.stringify(d.labels),
        createdBy,
      ],
    );
    return toDefinition(row);
  }

  /** Current definitions, fact tags first, then model, then prediction; each layer in creation order. */
  async current(tx: EntityManager, brandId: string): Promise<TagDefinition[]> {
    const rows: Row[] = await tx.query(
      `SELECT ${COLUMNS} FROM tag_definitions WHERE brand_id = $1 AND current
        ORDER BY array_position(ARRAY['fact', 'model', 'prediction'], layer), created_at, key`,
      [brandId],
    );
    return rows.map(toDefinition);
  }

  async find(
    tx: EntityManager,
    brandId: string,
    key: string,
    version?: number,
  ): Promise<TagDefinition | null> {
    const [row] = await tx.query(
      version === undefined
        ? `SELECT ${COLUMNS} FROM tag_definitions WHERE brand_id = $1 AND key = $2 AND current`
        : `SELECT ${COLUMNS} FROM tag_definitions WHERE brand_id = $1 AND key = $2 AND version = $3`,
      version === undefined ? [brandId, key] : [brandId, key, version],
    );
    return row ? toDefinition(row) : null;
  }

  async infos(tx: EntityManager, brandId: string): Promise<Map<string, TagInfo & { layer: Layer }>> {
    const defs = await this.current(tx, brandId);
    const byKey = new Map(defs.map((d) => [d.key, d]));
    return new Map(defs.map((d) => [d.key, { ...tagInfo(d, byKey), layer: d.layer }]));
  }

  async sensitiveProductCategories(tx: EntityManager, brandId: string): Promise<Set<string>> {
    const rows: { category: string }[] = await tx.query(
      'SELECT DISTINCT category FROM product_categories WHERE brand_id = $1 AND sensitive',
      [brandId],
    );
    return new Set(rows.map((r) => r.category));
  }
}
