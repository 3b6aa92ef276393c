import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { CreateSegmentRequest, SegmentDraftRequest } from './create-segment.request';
import { CreateSegment } from './create-segment.use-case';
import { ExplainMembership } from './explain-membership';
import { MaterializeSegment } from './materialize-segment.use-case';
import { PreviewSegment } from './preview-segment';
import { SegmentRepository } from './segment.repository';
import {
  ExplainResponse,
  MaterializedSegmentResponse,
  SegmentPreviewResponse,
  SegmentResponse,
} from './segment.response';
import { SegmentError, SegmentErrorCode } from './segments.errors';

@ApiTags('audience: segments')
@ApiBearerAuth()
@Controller('api/v1/audience/segments')
@Roles('marketer', 'admin')
export class SegmentsController {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly createSegment: CreateSegment,
    private readonly materializeSegment: MaterializeSegment,
    private readonly preview: PreviewSegment,
    private readonly explainMembership: ExplainMembership,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: SegmentResponse })
  @ApiBadRequestResponse({ description: 'SEGMENT_RULE_INVALID: details.problems lists each path and why' })
  create(@Body() body: CreateSegmentRequest, @CurrentActor() actor: Actor) {
    return this.createSegment.execute(body, actor.id);
  }

  /** Live count and sample while the marketer edits, without saving. */
  @Post('preview')
  @ApiCreatedResponse({ type: SegmentPreviewResponse })
  @ApiBadRequestResponse({ description: 'SEGMENT_RULE_INVALID' })
  previewDraft(@Body() body: SegmentDraftRequest) {
    return this.preview.draft(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: SegmentResponse })
  @ApiNotFoundResponse({ description: 'SEGMENT_NOT_FOUND' })
  show(@Param('id', ParseUUIDPipe) id: string) {
    return this.preview.saved(id);
  }

  @Get(':id/sample')
  @ApiQuery({ name: 'size', required: false, type: Number, description: 'Sample size, default 20' })
  @ApiOkResponse({ type: SegmentPreviewResponse })
  @ApiNotFoundResponse({ description: 'SEGMENT_NOT_FOUND' })
  sample(
    @Param('id', ParseUUIDPipe) id: string,
    @Query('size', new ParseIntPipe({ optional: true })) size?: number,
  ) {
    return this.preview.sample(id, size || 20);
  }

  @Post(':id/materialize')
  @ApiCreatedResponse({ type: MaterializedSegmentResponse })
  @ApiNotFoundResponse({ description: 'SEGMENT_NOT_FOUND' })
  materialize(@Param('id', ParseUUIDPipe) id: string) {
    return this.materializeSegment.execute(id);
  }

  @Get(':id/explain/:subjectRef')
  @ApiOkResponse({ type: ExplainResponse })
  @ApiNotFoundResponse({ description: 'SEGMENT_NOT_FOUND' })
  async explain(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('subjectRef', ParseUUIDPipe) subjectRef: string,
  ): Promise<ExplainResponse> {
    const segment = await this.segments.find(this.ds.manager, this.options.brandId, id);
    if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${id} not found`);
    return this.explainMembership.explain(this.ds.manager, segment, subjectRef);
  }
}
