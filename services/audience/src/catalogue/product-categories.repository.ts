import type { EntityManager } from 'typeorm';

export interface ProductCategory {
  skuPrefix: string;
  category: string;
  sensitive: boolean;
}

export class ProductCategoriesRepository {
  /** Replaces the brand catalogue and re-stamps every stored fact's categories in one statement each. */
  async replace(tx: EntityManager, brandId: string, entries: ProductCategory[]): Promise<void> {
    await tx.query('DELETE FROM product_categories WHERE brand_id = $1', [brandId]);
    await tx.query(
      `INSERT INTO product_categories (brand_id, sku_prefix, category, sensitive)
       SELECT $1, e.sku_prefix, e.category, e.sensitive
         FROM jsonb_to_recordset($2::jsonb) AS e(sku_prefix text, category text, sensitive boolean)`,
      [
        brandId,
        JSON.stringify(
          entries.map((e) => ({ sku_prefix: e.skuPrefix, category: e.category, sensitive: e.sensitive })),
        ),
      ],
    );
    await tx.query("UPDATE released_facts SET categories = '{}' WHERE brand_id = $1", [brandId]);
    await tx.query(
      `UPDATE released_facts rf SET categories = COALESCE(c.categories, '{}'), sensitive = rf.sensitive OR COALESCE(c.sensitive, false)
         FROM (SELECT f.release_id, f.order_ref,
                      array_agg(DISTINCT pc.category ORDER BY pc.category) AS categories, bool_or(pc.sensitive) AS sensitive
                 FROM released_facts f CROSS JOIN LATERAL unnest(f.skus) s
                 JOIN product_categories pc ON pc.brand_id = $1 AND starts_with(s, pc.sku_prefix)
                WHERE f.brand_id = $1
                GROUP BY f.release_id, f.order_ref) c
        WHERE rf.release_id = c.release_id AND rf.order_ref = c.order_ref`,
      [brandId],
    );
  }

  async list(tx: EntityManager, brandId: string): Promise<ProductCategory[]> {
    const rows: { sku_prefix: string; category: string; sensitive: boolean }[] = await tx.query(
      'SELECT sku_prefix, category, sensitive FROM product_categories WHERE brand_id = $1 ORDER BY sku_prefix',
      [brandId],
    );
    return rows.map((r) => ({ skuPrefix: r.sku_prefix, category: r.category, sensitive: r.sensitive }));
  }
}
