import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { DirtyMembersRepository } from '../features/dirty-members.repository';
import { validateTagDefinition, type TagDefinition, type TagDefinitionInput } from './tag-definition';
import { TagDefinitionsRepository } from './tag-definitions.repository';
import { TagError, TagErrorCode } from './tags.errors';

/**
 * A marketer defines a tag (or a new version of one). The JSON is checked in full; every member of
 * the brand is then marked for recomputation (the full rebuild a new version needs), same transaction.
 */
@Injectable()
export class DefineTag {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly definitions: TagDefinitionsRepository,
    private readonly dirty: DirtyMembersRepository,
  ) {}

  async execute(raw: unknown, actorId: string): Promise<TagDefinition> {
    const brandId = this.options.brandId;
    return this.ds.transaction(async (tx) => {
      const problems = validateTagDefinition(
        raw,
        await this.definitions.infos(tx, brandId),
        await this.definitions.sensitiveProductCategories(tx, brandId),
      );
      if (problems.length > 0)
        throw new TagError(
          TagErrorCode.INVALID_DEFINITION,
          problems.map((p) => `${p.path}: ${p.message}`).join('; '),
          { problems },
        );
      const d = raw as TagDefinitionInput;
      const saved = await this.definitions.addVersion(
        tx,
        brandId,
        {
          ...d,
          personalised: d.personalised ?? true,
          sensitive: d.sensitive ?? false,
          spendingPower: d.spendingPower ?? false,
        },
        actorId,
      );
      await this.dirty.markBrand(tx, brandId);
      return saved;
    });
  }
}
