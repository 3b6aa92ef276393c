import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB } from '../privacy.options';
import { IndividualsCountError, IndividualsCountErrorCode } from './individuals-count.errors';
import { IndividualsCountRepository } from './individuals-count.repository';
import { toIndividualsCountResponse, type IndividualsCountResponse } from './individuals-count.response';

/** The latest count as the privacy officer reads it. */
@Injectable()
export class IndividualsCountQuery {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly counts: IndividualsCountRepository,
  ) {}

  async latest(): Promise<IndividualsCountResponse> {
    const latest = await this.counts.findLatest(this.ds.manager);
    if (!latest)
      throw new IndividualsCountError(
        IndividualsCountErrorCode.NO_COUNT_YET,
        'no count has run yet; POST /api/v1/privacy/individuals-count starts one',
      );
    return toIndividualsCountResponse(latest);
  }
}
