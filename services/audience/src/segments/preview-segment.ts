import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import type { SegmentDraftRequest } from './create-segment.request';
import { SegmentCompiler } from './segment-compiler';
import { SegmentRepository } from './segment.repository';
import {
  toSegmentResponse,
  type SegmentPreviewResponse,
  type SegmentResponse,
  type SegmentVersionResponse,
} from './segment.response';
import { SegmentError, SegmentErrorCode } from './segments.errors';

/** Counts and samples: read-only, the same compiled query as materialisation. */
@Injectable()
export class PreviewSegment {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly compiler: SegmentCompiler,
  ) {}

  async draft(d: SegmentDraftRequest, sampleSize = 20): Promise<SegmentPreviewResponse> {
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const brandId = this.options.brandId;
      const rule = await this.compiler.validate(tx, brandId, d.rule);
      const query = await this.compiler.compile(tx, {
        brandId,
        purpose: d.purpose,
        channel: d.channel,
        rule,
      });
      await this.segments.useEvaluationMemory(tx);
      return {
        count: await this.segments.count(tx, query),
        sample: await this.segments.sample(tx, query, sampleSize),
        guards: query.guards.map((g) => g.name),
        usesSpendingPower: query.usage?.spendingPower ?? false,
      };
    });
  }

  async saved(id: string): Promise<SegmentResponse> {
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const segment = await this.segments.find(tx, this.options.brandId, id);
      if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${id} not found`);
      await this.segments.useEvaluationMemory(tx);
      return toSegmentResponse(
        segment,
        await this.segments.count(tx, await this.compiler.compile(tx, segment)),
      );
    });
  }

  async versions(id: string): Promise<SegmentVersionResponse[]> {
    const tx = this.ds.manager;
    const segment = await this.segments.find(tx, this.options.brandId, id);
    if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${id} not found`);
    return (await this.segments.versions(tx, id)).map((v) => ({
      version: v.version,
      kind: v.kind,
      size: v.size,
      joined: v.joined,
      left: v.left,
      createdBy: v.createdBy,
      createdAt: v.createdAt!,
    }));
  }

  async sample(id: string, size: number): Promise<SegmentPreviewResponse> {
    const segment = await this.segments.find(this.ds.manager, this.options.brandId, id);
    if (!segment) throw new SegmentError(SegmentErrorCode.NOT_FOUND, `segment ${id} not found`);
    return this.draft({ ...segment, rule: segment.rule ?? undefined }, size);
  }
}
