import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { SegmentListRepository } from './segment-list.repository';
import { ListSegmentsQuery } from './segment-list.request';
import { SegmentListResponse } from './segment-list.response';
import { SegmentError, SegmentErrorCode } from './segments.errors';

@ApiTags('audience: segments')
@ApiBearerAuth()
@Controller('api/v1/audience/segments')
@Roles('marketer', 'admin')
export class SegmentListController {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentListRepository,
  ) {}

  /** The brand's saved segments, newest first, with their last materialised size (no live count). */
  @Get()
  @ApiOkResponse({ type: SegmentListResponse })
  @ApiErrors({ 404: ['SEGMENT_NOT_FOUND'] })
  async list(@Query() query: ListSegmentsQuery): Promise<SegmentListResponse> {
    const brandId = this.options.brandId;
    // A cursor from another brand or a deleted segment is an error, not a silent first page.
    if (query.after && !(await this.segments.exists(this.ds.manager, brandId, query.after)))
      throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${query.after} (the cursor) not found`);
    return this.segments.page(this.ds.manager, brandId, query.limit ?? 20, query.after);
  }
}
