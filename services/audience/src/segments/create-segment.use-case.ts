import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import type { CreateSegmentRequest } from './create-segment.request';
import { SegmentCompiler } from './segment-compiler';
import { SegmentRepository } from './segment.repository';
import { toSegmentResponse, type SegmentResponse } from './segment.response';

@Injectable()
export class CreateSegment {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly compiler: SegmentCompiler,
  ) {}

  async execute(request: CreateSegmentRequest, actorId: string): Promise<SegmentResponse> {
    return this.ds.transaction(async (tx) => {
      const brandId = this.options.brandId;
      const rule = await this.compiler.validate(tx, brandId, request.rule);
      const spec = { brandId, purpose: request.purpose, channel: request.channel, rule };
      const query = await this.compiler.compile(tx, spec);
      const segment = await this.segments.create(
        tx,
        { ...spec, name: request.name, categories: query.usage?.categories ?? [] },
        actorId,
        request.autoRefresh ?? true,
      );
      await this.segments.useEvaluationMemory(tx);
      return toSegmentResponse(
        { ...segment, autoRefresh: request.autoRefresh ?? true },
        await this.segments.count(tx, query),
      );
    });
  }
}
