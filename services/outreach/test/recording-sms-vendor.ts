import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  DeliveryReport,
  OutboundSms,
  SentMessageRef,
  SmsTemplateRef,
  SmsVendorChannel,
  SubmitOutcome,
  VendorTemplate,
} from '../src/channels/sms-vendor.channel';

export interface RecordedSms {
  sendId: string;
  phone: string;
  template: SmsTemplateRef;
  params: Record<string, string>;
  at: number;
}

/**
 * A small SMS vendor on 127.0.0.1 for outreach's tests: records every message by our send id,
 * answers per number as configured (blacklisted → refused with the vendor's code), answers
 * reconcile queries from what it recorded, and lists templates. Not a real vendor's wire format:
 * those fakes verify the official SDKs (libs/testing/src/fake-vendors).
 */
export class RecordingSmsVendor {
  readonly received: RecordedSms[] = [];
  readonly blacklisted = new Set<string>();
  templates: VendorTemplate[] = [];
  /** Called after a batch is recorded and before the answer is written (the crash test kills here). */
  onBatchRecorded?: (batch: RecordedSms[]) => void;
  /** Delay before answering a batch, ms. */
  answerDelayMs = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const json = body ? JSON.parse(body) : {};
        const answer = (status: number, value: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.url === '/send') {
          const at = Date.now();
          const batch: RecordedSms[] = json.messages.map((m: OutboundSms) => ({
            ...m,
            template: json.template,
            at,
          }));
          const outcomes: SubmitOutcome[] = batch.map((m) => {
            if (this.blacklisted.has(m.phone))
              return {
                sendId: m.sendId,
                status: 'rejected',
                errorCode: 'FailedOperation.PhoneNumberInBlacklist',
                errorMessage: 'number is blacklisted',
                suppress: true,
              };
            this.received.push(m);
            return { sendId: m.sendId, status: 'submitted', vendorMessageId: `v-${m.sendId}` };
          });
          this.onBatchRecorded?.(batch);
          if (this.answerDelayMs) await new Promise((r) => setTimeout(r, this.answerDelayMs));
          return answer(200, outcomes);
        }
        if (req.url === '/query') {
          const known = new Set(this.received.map((m) => m.sendId));
          return answer(
            200,
            (json.refs as SentMessageRef[]).map((r) =>
              known.has(r.sendId)
                ? { sendId: r.sendId, status: 'delivered', vendorMessageId: `v-${r.sendId}` }
                : { sendId: r.sendId, status: 'not_found' },
            ),
          );
        }
        if (req.url === '/templates') return answer(200, this.templates);
        answer(404, {});
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  countBySendId(): Map<string, number> {
    const m = new Map<string, number>();
    for (const r of this.received) m.set(r.sendId, (m.get(r.sendId) ?? 0) + 1);
    return m;
  }
}

/** The SmsVendorChannel over that server (a real class over real HTTP; vendor named aliyun for routing). */
export class RecordingSmsChannel implements SmsVendorChannel {
  readonly vendor = 'aliyun' as const;
  readonly maxBatch = 100;

  constructor(private readonly baseUrl: string) {}

  private async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok)
      throw Object.assign(new Error(`vendor answered ${res.status}`), { code: `HTTP_${res.status}` });
    return (await res.json()) as T;
  }

  submit(template: SmsTemplateRef, messages: OutboundSms[]): Promise<SubmitOutcome[]> {
    return this.post('/send', { template, messages });
  }

  reconcile(refs: SentMessageRef[]): Promise<DeliveryReport[]> {
    return this.post('/query', { refs });
  }

  listTemplates(): Promise<VendorTemplate[]> {
    return this.post('/templates', {});
  }
}
