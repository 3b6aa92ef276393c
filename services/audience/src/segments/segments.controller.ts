import { Body, Controller, Get, Param, ParseIntPipe, ParseUUIDPipe, Post, Query } from '@nestjs/common';
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
import { AuditedMemberReads } from '../member-reads/audited-member-reads';
import { MemberReadQuery } from '../member-reads/member-read.request';
import { CreateSegmentRequest, SegmentDraftRequest } from './create-segment.request';
import { CreateSegment } from './create-segment.use-case';
import { MaterializeSegment } from './materialize-segment.use-case';
import { PreviewSegment } from './preview-segment';
import {
  ExplainResponse,
  MaterializedSegmentResponse,
  SegmentPreviewResponse,
  SegmentResponse,
  SegmentVersionResponse,
} from './segment.response';

@ApiTags('audience: segments')
@ApiBearerAuth()
@Controller('api/v1/audience/segments')
@Roles('marketer', 'admin')
export class SegmentsController {
  constructor(
    private readonly createSegment: CreateSegment,
    private readonly materializeSegment: MaterializeSegment,
    private readonly preview: PreviewSegment,
    private readonly reads: AuditedMemberReads,
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
  materialize(@Param('id', ParseUUIDPipe) id: string, @CurrentActor() actor: Actor) {
    return this.materializeSegment.execute(id, actor.id);
  }

  /** Every materialised version, newest first: manual and automatic, with who joined and left. */
  @Get(':id/versions')
  @ApiOkResponse({ type: [SegmentVersionResponse] })
  @ApiNotFoundResponse({ description: 'SEGMENT_NOT_FOUND' })
  versions(@Param('id', ParseUUIDPipe) id: string): Promise<SegmentVersionResponse[]> {
    return this.preview.versions(id);
  }

  @Get(':id/explain/:subjectRef')
  @ApiOkResponse({ type: ExplainResponse })
  @ApiNotFoundResponse({ description: 'SEGMENT_NOT_FOUND' })
  @ApiBadRequestResponse({ description: 'purpose is not one of the member-read purposes' })
  explain(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('subjectRef', ParseUUIDPipe) subjectRef: string,
    @Query() query: MemberReadQuery,
    @CurrentActor() actor: Actor,
  ): Promise<ExplainResponse> {
    // R16: audited with the actor and the purpose (default: reviewing the segment).
    return this.reads.explain(actor.id, id, subjectRef, query.purpose ?? 'segment_review');
  }
}
