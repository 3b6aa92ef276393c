import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import type { CreateSegmentRequest } from './create-segment.request';
import { SegmentRepository } from './segment.repository';
import { toSegmentResponse, type SegmentResponse } from './segment.response';

@Injectable()
export class CreateSegment {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
  ) {}

  async execute(request: CreateSegmentRequest, actorId: string): Promise<SegmentResponse> {
    return this.ds.transaction(async (tx) => {
      const segment = await this.segments.create(tx, { ...request, brandId: this.options.brandId }, actorId);
      return toSegmentResponse(segment, await this.segments.count(tx, segment));
    });
  }
}
