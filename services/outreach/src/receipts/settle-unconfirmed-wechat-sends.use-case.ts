import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { DEFAULT_WECHAT_RESULT_WAIT_MS } from './record-wechat-send-result.use-case';
import { WechatSendResultRepository } from './wechat-send-result.repository';

/**
 * WeChat has no lookup for one subscription message: a send in doubt (timed out, answer lost, crash
 * after admission) waits for WeChat's send-result event. With none within the bound it counts as
 * handed to WeChat — `submitted`, reason `wechat_unconfirmed` — and is never sent again: WeChat may
 * have delivered it and used the member's subscription, and a second call could deliver twice
 * (ADR 0017). The run can then finish; a late event still settles the send.
 */
@Injectable()
export class SettleUnconfirmedWechatSends {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly results: WechatSendResultRepository,
  ) {}

  async inDoubtOf(runId: string): Promise<number> {
    const waitMs = this.options.reconcile?.wechatResultWaitMs ?? DEFAULT_WECHAT_RESULT_WAIT_MS;
    return this.ds.transaction((tx) => this.results.markUnconfirmed(tx, runId, waitMs));
  }
}
