import type { DataSource } from 'typeorm';
import { maskPhone } from '@siyu/privacy';
import type { SmsChannel } from './sms.channel';

/** `npm start`'s channel: keeps a sent box (recipient masked) and shows it on the console. */
export class SandboxSmsChannel implements SmsChannel {
  readonly vendor = 'sandbox';

  constructor(
    private readonly ds: DataSource,
    private readonly announce?: (line: string) => void,
  ) {}

  async send(to: string, text: string): Promise<{ vendorMessageId: string }> {
    const masked = maskPhone(to);
    const [{ id }] = await this.ds.query(
      'INSERT INTO sandbox_sms (to_masked, body) VALUES ($1, $2) RETURNING id',
      [masked, text],
    );
    this.announce?.(`[sandbox sms] to ${masked}: ${text}`);
    return { vendorMessageId: `sandbox-${id}` };
  }
}
