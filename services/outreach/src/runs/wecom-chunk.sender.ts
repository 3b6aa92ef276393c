import type { Campaign } from '../campaigns/campaign.repository';
import type { WecomChannel } from '../channels/wecom.channel';
import { UNSUBSCRIBE_VARIABLE } from '../templates/template-rules';
import { notStarted, type AdmittedRecipient, type ChunkSender } from './chunk-sender';
import type { SendOutcome } from './send.repository';

/**
 * A WeCom contact point as consent seals it for outreach: the customer's external_userid and the
 * staff member (userid) whose contact they are — a WeCom customer message can only be sent by
 * that staff member. Personal data (R1): opened only here, never logged.
 */
export interface WecomContact {
  externalUserId: string;
  staffUserId: string;
}

export function parseWecomContact(plain: string): WecomContact | null {
  try {
    const v = JSON.parse(plain) as Partial<WecomContact>;
    return typeof v.externalUserId === 'string' &&
      typeof v.staffUserId === 'string' &&
      v.externalUserId &&
      v.staffUserId
      ? { externalUserId: v.externalUserId, staffUserId: v.staffUserId }
      : null;
  } catch {
    return null;
  }
}

/**
 * WeCom customer messages: one add_msg_template task per owning staff member, per recipient the
 * text with their own unsubscribe link — so one task per recipient: WeCom sends one text to every
 * external_userid of a task, and the link is personal (R9). A created task is `submitted` with
 * its msgid; the staff member confirms it in their app, and the result puller records per customer
 * whether it went out or hit WeCom's 4-per-month limit. A task without an answer may exist: the send
 * stays `unknown`, never created again.
 */
export class WecomChunkSender implements ChunkSender {
  readonly vendor = 'wecom';
  readonly contactField = 'wecom_external_userid';
  readonly maxBatch = 100;

  constructor(
    private readonly campaign: Campaign,
    private readonly channel: WecomChannel,
  ) {}

  async send(batch: AdmittedRecipient[], deadline: number): Promise<SendOutcome[]> {
    const { campaign } = this;
    const text = campaign.message?.kind === 'wecom' ? campaign.message.text : '';
    const out: SendOutcome[] = [];
    for (let i = 0; i < batch.length; i++) {
      const a = batch[i];
      if (Date.now() > deadline) {
        out.push(...notStarted(batch.slice(i)));
        break;
      }
      const contact = parseWecomContact(a.contact);
      if (!contact) {
        out.push({
          sendId: a.sendId,
          state: 'failed',
          errorCode: 'WECOM_CONTACT_UNREADABLE',
          reason: 'vendor_refused',
        });
        continue;
      }
      const link = a.unsubscribeLink;
      const [task] = await this.channel.createTasks({
        sender: contact.staffUserId,
        recipients: [{ sendId: a.sendId, externalUserId: contact.externalUserId }],
        text: text.split(`\${${UNSUBSCRIBE_VARIABLE}}`).join(link),
      });
      if (task.status === 'created' && task.notContacts.length > 0)
        out.push({
          sendId: a.sendId,
          state: 'failed',
          errorCode: 'WECOM_NOT_CONTACT',
          reason: 'vendor_refused',
          vendorMessageId: task.msgid,
        });
      else if (task.status === 'created')
        // batch id = the staff member: the result query needs msgid and userid.
        out.push({ sendId: a.sendId, state: 'submitted', vendorMessageId: task.msgid, batchId: task.sender });
      else if (task.status === 'rejected')
        out.push({
          sendId: a.sendId,
          state: 'failed',
          errorCode: `WECOM_${task.errcode}`,
          reason: 'vendor_refused',
        });
      else out.push({ sendId: a.sendId, state: 'unknown', errorCode: task.errorCode });
    }
    return out;
  }
}
