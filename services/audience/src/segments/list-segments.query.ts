import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { SegmentListRepository } from './segment-list.repository';
import type { ListSegmentsQuery } from './segment-list.request';
import type { SegmentListResponse } from './segment-list.response';
import { SegmentError, SegmentErrorCode } from './segments.errors';

/** The brand's saved segments, newest first, with their last materialised size (no live count). */
@Injectable()
export class ListSegments {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentListRepository,
  ) {}

  async execute(query: ListSegmentsQuery): Promise<SegmentListResponse> {
    const brandId = this.options.brandId;
    // A cursor from another brand or a deleted segment is an error, not a silent first page.
    if (query.after && !(await this.segments.exists(this.ds.manager, brandId, query.after)))
      throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${query.after} (the cursor) not found`);
    return this.segments.page(this.ds.manager, brandId, query.limit ?? 20, query.after);
  }
}
