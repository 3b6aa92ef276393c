import type { DataSource } from 'typeorm';
import { maskPhone } from '@siyu/privacy';
import { renderSms } from '../templates/template-rules';
import type {
  DeliveryReport,
  OutboundSms,
  SentMessageRef,
  SmsTemplateRef,
  SmsVendorChannel,
  SubmitOutcome,
  VendorTemplate,
} from './sms-vendor.channel';

/**
 * `npm start`'s vendor: renders the declared template into a sent box (recipient masked) that the
 * console and GET /api/v1/outreach/sandbox/messages show. Keyed by our send id, so a reconcile after
 * a crash finds exactly what was "sent" — the same contract a real vendor keeps through OutId.
 */
export class SandboxSmsChannel implements SmsVendorChannel {
  readonly vendor = 'sandbox' as const;
  readonly maxBatch = 100;

  constructor(
    private readonly ds: DataSource,
    private readonly announce?: (line: string) => void,
  ) {}

  async submit(template: SmsTemplateRef, messages: OutboundSms[]): Promise<SubmitOutcome[]> {
    const [t] = await this.ds.query(
      "SELECT content, variables FROM sms_templates WHERE vendor = 'sandbox' AND template_code = $1 AND sign_name = $2",
      [template.templateCode, template.signName],
    );
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
    const rows: { id: string; send_id: string }[] = await this.ds.query(
      `INSERT INTO sandbox_sms (to_masked, body, send_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[])
       ON CONFLICT (send_id) DO UPDATE SET send_id = EXCLUDED.send_id
       RETURNING id, send_id`,
      [messages.map((m) => maskPhone(m.phone)), texts, messages.map((m) => m.sendId)],
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
    const rows: { id: string; send_id: string; sent_at: Date }[] = await this.ds.query(
      'SELECT id, send_id, sent_at FROM sandbox_sms WHERE send_id = ANY($1::uuid[])',
      [messages.map((m) => m.sendId)],
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
    const rows: { send_id: string | null; to_masked: string; body: string; sent_at: Date }[] =
      await this.ds.query(
        'SELECT send_id, to_masked, body, sent_at FROM sandbox_sms ORDER BY id DESC LIMIT $1',
        [limit],
      );
    return rows.map((r) => ({
      sendId: r.send_id,
      toMasked: r.to_masked,
      body: r.body,
      sentAt: new Date(r.sent_at).toISOString(),
    }));
  }
}
