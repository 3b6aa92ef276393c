import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { RequestListRepository, type RequestListRow } from './request-list.repository';

export interface RequestListItem extends RequestListRow {
  status: 'open' | 'completed';
  /** Still open past its deadline (15 working days by default). */
  overdue: boolean;
}

/** The privacy officer's worklist of data-subject requests (R14), newest first, each with its status. */
@Injectable()
export class ListRequests {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly requests: RequestListRepository,
  ) {}

  async execute(status: 'open' | 'completed' | undefined, limit: number): Promise<RequestListItem[]> {
    const now = Date.now();
    const rows = await this.requests.list(this.ds.manager, this.options.brandId, status, limit);
    return rows.map((r) => ({
      ...r,
      status: r.completedAt ? 'completed' : 'open',
      overdue: !r.completedAt && now > Date.parse(r.dueAt),
    }));
  }
}
