import type { DataSource } from 'typeorm';
import { maskPhone } from '@siyu/privacy';
import { renderSms } from '../templates/template-rules';
import { SandboxSmsRepository } from './sandbox-sms.repository';
import type {
  DeliveryReport,
  MayStartCall,
  OutboundSms,
  SentMessageRef,
  SmsTemplateRef,
  SmsVendorChannel,
  SubmitOutcome,
  VendorTemplate,
} from './sms-vendor.channel';
import { notStartedSubmits } from './sms-vendor.channel';

/**
 * `npm start`'s vendor: renders the declared template into a sent box (recipient masked) that the
 * console and GET /api/v1/outreach/sandbox/messages show. Keyed by our send id, so a reconcile after
 * a crash finds exactly what was "sent" — the same contract a real vendor keeps through OutId.
 */
export class SandboxSmsChannel implements SmsVendorChannel {
  readonly vendor = 'sandbox' as const;
  readonly maxBatch = 100;
  private readonly sent = new SandboxSmsRepository();

  constructor(
    private readonly ds: DataSource,
    private readonly announce?: (line: string) => void,
  ) {}

  async submit(
    template: SmsTemplateRef,
    messages: OutboundSms[],
    mayStart: MayStartCall = () => true,
  ): Promise<SubmitOutcome[]> {
    if (!mayStart()) return notStartedSubmits(messages);
    const t = await this.sent.findTemplate(this.ds.manager, template.templateCode, template.signName);
    if (!t)
      return messages.map((m) => ({
        sendId: m.sendId,
        status: 'rejected',
        errorCode: 'isv.SMS_TEMPLATE_ILLEGAL',
        errorMessage: `no sandbox template ${template.templateCode} under sign name ${template.signName}`,
        suppress: false,
      }));
    const texts = messages.map((m) =>
      renderSms('sandbox', template.signName, t.content, t.variables, m.params),
    );
    const rows = await this.sent.record(
      this.ds.manager,
      messages.map((m, i) => ({ toMasked: maskPhone(m.phone), body: texts[i], sendId: m.sendId })),
    );
    const ids = new Map(rows.map((r) => [r.send_id, r.id]));
    messages.forEach((m, i) => this.announce?.(`[sandbox sms] to ${maskPhone(m.phone)}: ${texts[i]}`));
    return messages.map((m) => ({
      sendId: m.sendId,
      status: 'submitted',
      vendorMessageId: `sandbox-${ids.get(m.sendId)}`,
    }));
  }

  async reconcile(messages: SentMessageRef[]): Promise<DeliveryReport[]> {
    const rows = await this.sent.findBySendIds(
      this.ds.manager,
      messages.map((m) => m.sendId),
    );
    const found = new Map(rows.map((r) => [r.send_id, r]));
    return messages.map((m) => {
      const r = found.get(m.sendId);
      return r
        ? { sendId: m.sendId, vendorMessageId: `sandbox-${r.id}`, status: 'delivered', reportedAt: r.sent_at }
        : { sendId: m.sendId, status: 'not_found' };
    });
  }

  /** The sandbox has no vendor console: its templates are declared by hand. */
  async listTemplates(): Promise<VendorTemplate[]> {
    return [];
  }

  /** The sent box, newest first (recipients masked). */
  async recent(
    limit: number,
  ): Promise<{ sendId: string | null; toMasked: string; body: string; sentAt: string }[]> {
    const rows = await this.sent.recent(this.ds.manager, limit);
    return rows.map((r) => ({
      sendId: r.send_id,
      toMasked: r.to_masked,
      body: r.body,
      sentAt: new Date(r.sent_at).toISOString(),
    }));
  }
}
