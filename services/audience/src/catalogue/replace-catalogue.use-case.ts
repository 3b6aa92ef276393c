import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { DirtyMembersRepository } from '../features/dirty-members.repository';
import { TagError, TagErrorCode } from '../tags/tags.errors';
import { ProductCategoriesRepository, type ProductCategory } from './product-categories.repository';

/**
 * The brand's product catalogue (SKU prefix → category, sensitive per R2) that category tags and
 * `bought` rules read. Replacing it re-stamps stored facts and recomputes every member.
 */
@Injectable()
export class ReplaceCatalogue {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly catalogue: ProductCategoriesRepository,
    private readonly dirty: DirtyMembersRepository,
  ) {}

  async execute(raw: unknown): Promise<ProductCategory[]> {
    const entries = parseCatalogue(raw);
    return this.ds.transaction(async (tx) => {
      await this.catalogue.replace(tx, this.options.brandId, entries);
      await this.dirty.markBrand(tx, this.options.brandId);
      return this.catalogue.list(tx, this.options.brandId);
    });
  }
}

function parseCatalogue(raw: unknown): ProductCategory[] {
  const list = (raw as { entries?: unknown })?.entries;
  if (!Array.isArray(list) || list.length > 5000)
    throw new TagError(
      TagErrorCode.INVALID_CATALOGUE,
      'entries: must be an array of at most 5000 {skuPrefix, category, sensitive}',
    );
  const seen = new Set<string>();
  return list.map((e, i) => {
    const o = e as Record<string, unknown>;
    const bad = (field: string, why: string) =>
      new TagError(TagErrorCode.INVALID_CATALOGUE, `entries[${i}].${field}: ${why}`);
    if (typeof o?.skuPrefix !== 'string' || o.skuPrefix.length < 1 || o.skuPrefix.length > 64)
      throw bad('skuPrefix', 'must be 1 to 64 characters');
    if (seen.has(o.skuPrefix)) throw bad('skuPrefix', `"${o.skuPrefix}" appears twice`);
    seen.add(o.skuPrefix);
    if (typeof o.category !== 'string' || o.category.trim().length < 1 || o.category.length > 64)
      throw bad('category', 'must be 1 to 64 characters');
    if (o.sensitive !== undefined && typeof o.sensitive !== 'boolean')
      throw bad('sensitive', 'must be true or false');
    return { skuPrefix: o.skuPrefix, category: o.category, sensitive: o.sensitive === true };
  });
}
