import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { ListSegments } from './list-segments.query';
import { ListSegmentsQuery } from './segment-list.request';
import { SegmentListResponse } from './segment-list.response';

@ApiTags('audience: segments')
@ApiBearerAuth()
@Controller('api/v1/audience/segments')
@Roles('marketer', 'admin')
export class SegmentListController {
  constructor(private readonly listSegments: ListSegments) {}

  /** The brand's saved segments, newest first, with their last materialised size (no live count). */
  @Get()
  @ApiOkResponse({ type: SegmentListResponse })
  @ApiErrors({ 404: ['SEGMENT_NOT_FOUND'] })
  list(@Query() query: ListSegmentsQuery): Promise<SegmentListResponse> {
    return this.listSegments.execute(query);
  }
}
