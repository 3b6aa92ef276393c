import type { EntityManager } from 'typeorm';
import type { TagCategory } from '@siyu/contracts';

export class TagCategoryChoicesRepository {
  async closedOf(tx: EntityManager, brandId: string, subjectRef: string): Promise<TagCategory[]> {
    const [r] = await tx.query(
      'SELECT closed_categories FROM tag_category_choices WHERE subject_ref = $1 AND brand_id = $2',
      [subjectRef, brandId],
    );
    return r?.closed_categories ?? [];
  }

  async save(
    tx: EntityManager,
    brandId: string,
    subjectRef: string,
    closed: TagCategory[],
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO tag_category_choices (subject_ref, brand_id, closed_categories, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject_ref) DO UPDATE SET closed_categories = EXCLUDED.closed_categories, changed_at = EXCLUDED.changed_at`,
      [subjectRef, brandId, closed, at.toISOString()],
    );
  }
}
