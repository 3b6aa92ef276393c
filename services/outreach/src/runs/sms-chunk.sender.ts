import type { Campaign } from '../campaigns/campaign.repository';
import type { SmsVendorChannel, SubmitOutcome } from '../channels/sms-vendor.channel';
import { UNSUBSCRIBE_VARIABLE } from '../templates/template-rules';
import type { SmsTemplate } from '../templates/template.repository';
import type { AdmittedRecipient, ChunkSender } from './chunk-sender';
import type { SendOutcome } from './send.repository';

/** SMS from a vendor-approved template: one vendor call per batch (≤ the vendor's numbers per call). */
export class SmsChunkSender implements ChunkSender {
  readonly contactField = 'phone';

  constructor(
    private readonly campaign: Campaign,
    private readonly template: SmsTemplate,
    private readonly channel: SmsVendorChannel,
  ) {}

  get vendor(): string {
    return this.channel.vendor;
  }

  get maxBatch(): number {
    return this.channel.maxBatch;
  }

  async send(batch: AdmittedRecipient[], deadline: number): Promise<SendOutcome[]> {
    const { campaign, template } = this;
    const messages = batch.map((a) => {
      const values: Record<string, string> = {
        ...(campaign.variants[a.variant] ?? campaign.variants[0]).variables,
        [UNSUBSCRIBE_VARIABLE]: a.unsubscribeLink,
      };
      return {
        sendId: a.sendId,
        phone: a.contact,
        params:
          template.vendor === 'tencent'
            ? Object.fromEntries(template.variables.map((v, i) => [String(i + 1), values[v] ?? '']))
            : Object.fromEntries(template.variables.map((v) => [v, values[v] ?? ''])),
      };
    });
    let outcomes: SubmitOutcome[];
    try {
      outcomes = await this.channel.submit(
        { signName: template.signName, templateCode: template.templateCode },
        messages,
        // Every vendor call, the halves of a refused Aliyun batch too, starts before the deadline.
        () => Date.now() <= deadline,
      );
    } catch (err) {
      // The vendor may have sent it: reconcile, never resend (issue 17 §3).
      const code = (err as { code?: string }).code ?? 'submit_error';
      return batch.map((m) => ({ sendId: m.sendId, state: 'unknown', errorCode: String(code) }));
    }
    return outcomes.map(toSendOutcome);
  }
}

function toSendOutcome(o: SubmitOutcome): SendOutcome {
  switch (o.status) {
    case 'submitted':
      return { sendId: o.sendId, state: 'submitted', vendorMessageId: o.vendorMessageId, batchId: o.batchId };
    case 'rejected':
      return {
        sendId: o.sendId,
        state: 'failed',
        errorCode: o.errorCode,
        reason: o.suppress ? 'vendor_blacklist' : 'vendor_refused',
      };
    case 'unknown':
      return { sendId: o.sendId, state: 'unknown', errorCode: o.errorCode, batchId: o.batchId };
    case 'not_started':
      return { sendId: o.sendId, state: 'planned', reason: 'dispatch_deadline' };
  }
}
