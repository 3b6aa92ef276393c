/** R2: categories whose purchase reveals sensitive personal information. */
export const SENSITIVE_CATEGORIES = ['health', 'religion', 'sexual_life', 'financial', 'minor'] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

/**
 * The brand's product-category map (env SENSITIVE_CATEGORY_MAP, JSON `{"<SKU prefix>": "<category>"}`,
 * e.g. `{"MED-": "health", "BABY-": "minor"}`). An order is sensitive when any of its SKUs starts
 * with a mapped prefix; such orders are released to marketing only under `sensitive_profiling`.
 */
export class SensitiveCategoryMap {
  private readonly prefixes: [string, SensitiveCategory][];

  constructor(raw: string | undefined) {
    if (!raw?.trim()) {
      this.prefixes = [];
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error('SENSITIVE_CATEGORY_MAP is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('SENSITIVE_CATEGORY_MAP must be a JSON object');
    this.prefixes = Object.entries(parsed as Record<string, unknown>).map(([prefix, category]) => {
      if (!prefix || !SENSITIVE_CATEGORIES.includes(category as SensitiveCategory)) {
        throw new Error(
          `SENSITIVE_CATEGORY_MAP: "${prefix}" maps to unknown category ${JSON.stringify(category)}; use one of ${SENSITIVE_CATEGORIES.join(', ')}`,
        );
      }
      return [prefix, category as SensitiveCategory];
    });
  }

  categoriesOf(skus: string[]): SensitiveCategory[] {
    const found = new Set<SensitiveCategory>();
    for (const sku of skus)
      for (const [prefix, category] of this.prefixes) if (sku.startsWith(prefix)) found.add(category);
    return [...found];
  }
}
