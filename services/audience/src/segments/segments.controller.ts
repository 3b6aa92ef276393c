import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CurrentActor, Roles, type Actor } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { CreateSegmentRequest } from './create-segment.request';
import { CreateSegment } from './create-segment.use-case';
import { MaterializeSegment } from './materialize-segment.use-case';
import { SegmentRepository } from './segment.repository';
import { toSegmentResponse } from './segment.response';
import { SegmentError, SegmentErrorCode } from './segments.errors';

@Controller('api/v1/audience/segments')
@Roles('marketer', 'admin')
export class SegmentsController {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly createSegment: CreateSegment,
    private readonly materializeSegment: MaterializeSegment,
  ) {}

  @Post()
  create(@Body() body: CreateSegmentRequest, @CurrentActor() actor: Actor) {
    return this.createSegment.execute(body, actor.id);
  }

  @Get(':id')
  async show(@Param('id', ParseUUIDPipe) id: string) {
    const segment = await this.segments.find(this.ds.manager, this.options.brandId, id);
    if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${id} not found`);
    return toSegmentResponse(segment, await this.segments.count(this.ds.manager, segment));
  }

  @Post(':id/materialize')
  materialize(@Param('id', ParseUUIDPipe) id: string) {
    return this.materializeSegment.execute(id);
  }
}
