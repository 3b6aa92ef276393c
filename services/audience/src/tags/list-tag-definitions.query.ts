import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import type { TagDefinition } from './tag-definition';
import { TagDefinitionsRepository } from './tag-definitions.repository';

/** The brand's current tag definitions (one version per key), as a marketer lists them. */
@Injectable()
export class ListTagDefinitions {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly definitions: TagDefinitionsRepository,
  ) {}

  execute(): Promise<TagDefinition[]> {
    return this.definitions.current(this.ds.manager, this.options.brandId);
  }
}
