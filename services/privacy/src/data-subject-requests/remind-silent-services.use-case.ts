import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { DataSubjectRequestRepository } from './data-subject-request.repository';

export interface ReminderRound {
  reminded: { requestId: string; service: string }[];
  escalated: { requestId: string; service: string }[];
}

/**
 * R14 deadlines: a service still silent halfway through the window is a reminder to the privacy
 * officer; one silent at the deadline is escalated. Each is raised once, recorded with an audit entry.
 */
@Injectable()
export class RemindSilentServices {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly requests: DataSubjectRequestRepository,
  ) {}

  async execute(now = new Date()): Promise<ReminderRound> {
    const round: ReminderRound = { reminded: [], escalated: [] };
    await this.ds.transaction(async (tx) => {
      for (const s of await this.requests.listSilentServices(tx, now)) {
        const overdue = Date.parse(s.dueAt) <= now.getTime();
        if (overdue) {
          await this.requests.markEscalated(tx, s.requestId, s.service, now);
          round.escalated.push({ requestId: s.requestId, service: s.service });
        } else {
          await this.requests.markReminded(tx, s.requestId, s.service, now);
          round.reminded.push({ requestId: s.requestId, service: s.service });
        }
        await appendAudit(tx, {
          actor: 'privacy:deadline-watch',
          action: overdue ? 'data-subject-request.escalated' : 'data-subject-request.reminded',
          purpose: 'data_subject_rights',
          subject: s.requestId,
          fields: [s.service],
          outcome: 'allowed',
        });
      }
    });
    for (const r of round.reminded)
      this.options.announce?.(`privacy: reminder - ${r.service} has not answered request ${r.requestId}`);
    for (const r of round.escalated)
      this.options.announce?.(
        `privacy: ESCALATION - ${r.service} missed the deadline of request ${r.requestId}`,
      );
    return round;
  }
}
