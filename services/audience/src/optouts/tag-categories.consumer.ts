import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TagCategoriesChangedV1 } from '@siyu/contracts';
import type { EventEffect } from '@siyu/messaging';
import { MemberFeaturesRepository } from '../features/member-features.repository';
import { MemberDataRepository } from '../members/member-data.repository';
import { MemberTagsRepository } from '../tags/member-tags.repository';
import { TagDefinitionsRepository } from '../tags/tag-definitions.repository';
import { CategoryOptOutsRepository } from './category-optouts.repository';

/**
 * R11 per category, from the preference centre: a closed category's tags, the tags computed from
 * them, its feature columns and the memberships it selected are deleted in this transaction; the
 * segment guard then keeps the member out of every rule that selects by it.
 */
@Injectable()
export class TagCategoriesConsumer {
  constructor(
    private readonly optOuts: CategoryOptOutsRepository,
    private readonly data: MemberDataRepository,
    private readonly tags: MemberTagsRepository,
    private readonly features: MemberFeaturesRepository,
    private readonly definitions: TagDefinitionsRepository,
  ) {}

  readonly handlers: Record<string, EventEffect> = {
    'consent.tag-categories-changed.v1': (tx, e) => this.changed(tx, e as TagCategoriesChangedV1),
  };

  private async changed(tx: EntityManager, e: TagCategoriesChangedV1): Promise<void> {
    // No member, no marketing data to narrow (and none may be created from a preference event).
    if (!(await this.data.lockMember(tx, e.brandId, e.subjectRef))) return;
    const closed = [...new Set(e.closedCategories)];
    if (!(await this.optOuts.replace(tx, e.brandId, e.subjectRef, closed, e.changedAt))) return;
    if (closed.length > 0) {
      const infos = await this.definitions.infos(tx, e.brandId);
      await this.tags.deleteCategories(tx, e.subjectRef, closed);
      await this.tags.deleteKeys(
        tx,
        e.subjectRef,
        [...infos.values()].filter((t) => t.categories.some((c) => closed.includes(c))).map((t) => t.key),
      );
      await this.features.clearCategories(tx, e.subjectRef, closed);
      await this.optOuts.deleteMembershipsSelectedBy(tx, e.subjectRef, closed);
    }
    // A reopened category is computed again from the facts still held; a closed one stays empty.
    await this.data.markDirty(tx, e.brandId, e.subjectRef);
  }
}
