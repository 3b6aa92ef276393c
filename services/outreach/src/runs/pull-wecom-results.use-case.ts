import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PlatformChannels } from '../channels/platform-channels';
import { OUTREACH_DB } from '../outreach.options';
import { SendRepository, type SendOutcome } from './send.repository';

const BATCH = 100;

/**
 * WeCom results per customer (get_groupmsg_send_result), for tasks created and not yet settled:
 * one task per send, so the msgid names the send. Sent → delivered; WeCom's 4-per-month limit or a
 * customer who is no longer the staff member's contact → failed with that code, per customer;
 * still awaiting the staff member's confirmation → asked again later.
 */
@Injectable()
export class PullWecomResults {
  private readonly logger = new Logger('outreach-wecom-results');

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    private readonly platforms: PlatformChannels,
    private readonly sends: SendRepository,
  ) {}

  async execute(olderThanMs = 0): Promise<number> {
    const wecom = this.platforms.wecom;
    if (!wecom) return 0;
    const batch = (await this.sends.awaitingReport(this.ds.manager, ['wecom'], olderThanMs, BATCH)).filter(
      (s) => s.vendorMessageId && s.batchId,
    );
    if (batch.length === 0) return 0;
    let results;
    try {
      results = await wecom.results(batch.map((s) => ({ msgid: s.vendorMessageId!, sender: s.batchId! })));
    } catch (err) {
      this.logger.warn(`WeCom results not read: ${(err as Error).message}`);
      return 0;
    }
    const byMsgid = new Map(batch.map((s) => [s.vendorMessageId!, s.sendId]));
    const outcomes: SendOutcome[] = [];
    for (const r of results) {
      const sendId = byMsgid.get(r.msgid);
      if (!sendId || r.status === 'awaiting_staff') continue;
      outcomes.push(
        r.status === 'sent'
          ? { sendId, state: 'delivered', vendorMessageId: r.msgid }
          : { sendId, state: 'failed', vendorMessageId: r.msgid, errorCode: r.errorCode },
      );
    }
    await this.ds.transaction((tx) => this.sends.recordOutcomes(tx, 'wecom', outcomes));
    return outcomes.length;
  }
}
