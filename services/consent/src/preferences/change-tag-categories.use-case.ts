import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TAG_CATEGORIES, TOPICS, type TagCategoriesChangedV1, type TagCategory } from '@siyu/contracts';
import { addToOutbox, ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB } from '../consent.options';
import { TagCategoryChoicesRepository } from './tag-category-choices.repository';

/**
 * R11 per category: the customer's choice of which tag categories may be used to select them,
 * stored and sent to audience (`consent.tag-categories-changed.v1`) in one transaction. Audience
 * deletes the data behind a closed category and keeps the member out of rules that use it.
 */
@Injectable()
export class ChangeTagCategories {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly choices: TagCategoryChoicesRepository,
    private readonly messaging: ServiceMessaging,
  ) {}

  /** `open`: the categories left ticked; unknown values are ignored. Returns whether anything changed. */
  async execute(scope: { brandId: string; subjectRef: string }, open: string[]): Promise<boolean> {
    const closed = TAG_CATEGORIES.filter((c) => !open.includes(c)) as TagCategory[];
    const changed = await this.ds.transaction(async (tx) => {
      const before = await this.choices.closedOf(tx, scope.brandId, scope.subjectRef);
      if (before.length === closed.length && before.every((c) => closed.includes(c))) return false;
      const at = new Date();
      await this.choices.save(tx, scope.brandId, scope.subjectRef, closed, at);
      await addToOutbox<TagCategoriesChangedV1>(tx, TOPICS.tagCategoriesChanged, scope.subjectRef, {
        type: 'consent.tag-categories-changed.v1',
        subjectRef: scope.subjectRef,
        brandId: scope.brandId,
        closedCategories: closed,
        changedAt: at.toISOString(),
      });
      return true;
    });
    if (changed) this.messaging.relay.kick();
    return changed;
  }
}
