import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAuditMany } from '@siyu/audit';
import { loadContactKeys, type ContactKeyRing } from '@siyu/crypto';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { PlatformChannels } from '../channels/platform-channels';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { UNSUBSCRIBE_VARIABLE } from '../templates/template-rules';
import { RunRepository } from './run.repository';
import { SendRepository, type Send, type SendOutcome } from './send.repository';
import { parseWecomContact } from './wecom-chunk.sender';

const BATCH = 50;
/** A task WeCom created is listed from its creation; we look from a little before our call. */
const CLOCK_SKEW_MS = 60_000;

/**
 * WeCom sends in doubt — add_msg_template got no answer (or the process died before recording it),
 * so a task may exist that the staff member can still confirm. WeCom has no lookup by our id, so
 * we find the task: get_groupmsg_list_v2 over the time around our call, keep tasks whose text is
 * this campaign's (the text around the personal unsubscribe link), and ask each for its customers
 * (get_groupmsg_send_result for the owning staff member). One send per (run, member, WeCom), so a
 * task of this campaign for this staff member and customer, created after our call and recorded on
 * no other send, is ours:
 * - found → `submitted` with its msgid; the results puller then records delivered or failed per
 *   customer (sent, not a contact, monthly limit), as for any task;
 * - not listed once `wecomNotFoundAfterMs` has passed since our call → WeCom never created it, so
 *   it cannot be delivered: back to `planned`, to pass the gate (consent, caps) again;
 * - WeCom cannot answer → stays in doubt, asked again on a later pass. Never created blindly.
 */
@Injectable()
export class ReconcileWecomSends {
  private readonly logger = new Logger('outreach-reconcile-wecom');
  private readonly contacts: ContactKeyRing;

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly platforms: PlatformChannels,
    private readonly campaigns: CampaignRepository,
    private readonly runs: RunRepository,
    private readonly sends: SendRepository,
    private readonly projection: ConsentProjectionRepository,
  ) {
    this.contacts = loadContactKeys(options.env);
  }

  private get notFoundAfterMs(): number {
    return this.options.reconcile?.wecomNotFoundAfterMs ?? 120_000;
  }

  /** Every in-doubt WeCom send of a run; the number settled. */
  async inDoubtOf(runId: string): Promise<number> {
    const wecom = this.platforms.wecom;
    const run = wecom && (await this.runs.find(this.ds.manager, runId));
    const campaign = run && (await this.campaigns.findById(this.ds.manager, run.campaignId));
    if (!wecom || !campaign || campaign.message?.kind !== 'wecom') return 0;
    const [before, after] = campaign.message.text.split(`\${${UNSUBSCRIBE_VARIABLE}}`);
    const textMatches = (t: string) =>
      t.startsWith(before) && t.endsWith(after ?? '') && t.length > before.length + (after ?? '').length;
    let settled = 0;
    let offset = 0;
    for (;;) {
      const batch = await this.sends.inDoubt(this.ds.manager, runId, BATCH + offset);
      const todo = batch.slice(offset);
      if (todo.length === 0) return settled;
      const outcomes = await this.settle(todo, campaign.id, textMatches);
      if (outcomes === null) return settled; // WeCom could not tell: ask again on a later pass
      await this.ds.transaction((tx) => this.sends.recordOutcomes(tx, 'wecom', outcomes));
      settled += outcomes.length;
      // Sends still too young to call "not created" stay in doubt: look past them.
      offset += todo.length - outcomes.length;
      if (todo.length < BATCH) return settled;
    }
  }

  private async settle(
    batch: Send[],
    campaignId: string,
    textMatches: (t: string) => boolean,
  ): Promise<SendOutcome[] | null> {
    const wecom = this.platforms.wecom!;
    const sealed = await this.ds.transaction(async (tx) => {
      const found = await this.projection.sealedContactsOf(
        tx,
        batch.map((s) => s.subjectRef),
        'wecom',
      );
      // R16: opening a contact point to ask WeCom about it is a PII read, audited.
      await appendAuditMany(
        tx,
        [...found.keys()].map((subject) => ({
          actor: 'outreach:reconcile',
          action: 'decrypt_contact_for_reconcile',
          purpose: 'delivery_reconciliation',
          subject,
          fields: ['wecom_external_userid'],
          outcome: 'allowed' as const,
        })),
      );
      return found;
    });
    const known = await this.sends.vendorMessageIdsOf(this.ds.manager, campaignId, 'wecom');
    const now = Date.now();
    const outcomes: SendOutcome[] = [];
    // One lookup per staff member over the time of their sends in doubt.
    const byStaff = new Map<string, { send: Send; externalUserId: string; at: number }[]>();
    for (const s of batch) {
      const contact = sealed.has(s.subjectRef)
        ? parseWecomContact(this.contacts.open(sealed.get(s.subjectRef)!, s.subjectRef))
        : null;
      const at = new Date(s.dispatchedAt ?? now).getTime();
      if (!contact) {
        // R10 deleted the contact point since (a withdrawal): its task cannot be found by customer
        // and must never be created again — settled as failed, never resent.
        outcomes.push({ sendId: s.sendId, state: 'failed', errorCode: 'CONTACT_POINT_DELETED' });
        continue;
      }
      const list = byStaff.get(contact.staffUserId) ?? [];
      list.push({ send: s, externalUserId: contact.externalUserId, at });
      byStaff.set(contact.staffUserId, list);
    }
    for (const [staff, items] of byStaff) {
      const since = new Date(Math.min(...items.map((i) => i.at)) - CLOCK_SKEW_MS);
      let tasks;
      try {
        tasks = await wecom.findTasks({ since, until: new Date(now), sender: staff, textMatches, known });
      } catch (err) {
        this.logger.warn(`WeCom tasks not listed: ${(err as Error).message}`);
        return null;
      }
      const taken = new Set<string>();
      for (const item of items) {
        const task = tasks.find(
          (t) =>
            !taken.has(t.msgid) &&
            t.createdAt.getTime() >= item.at - CLOCK_SKEW_MS &&
            t.externalUserIds.includes(item.externalUserId),
        );
        if (task) {
          taken.add(task.msgid);
          outcomes.push({
            sendId: item.send.sendId,
            state: 'submitted',
            vendorMessageId: task.msgid,
            batchId: staff,
          });
        } else if (now - item.at >= this.notFoundAfterMs) {
          outcomes.push({ sendId: item.send.sendId, state: 'planned', reason: 'reconciled_not_found' });
        }
      }
    }
    return outcomes;
  }
}
