import type { SendOutcome } from './send.repository';

/** A recipient the gate admitted, with the contact point opened (phone, WeCom contact, openid). */
export interface AdmittedRecipient {
  sendId: string;
  subjectRef: string;
  variant: number;
  contact: string;
  /** The short unsubscribe link issued for this recipient in the gate's transaction (ADR 0008). */
  unsubscribeLink: string;
}

/**
 * How one channel hands a gated chunk to its vendor (SMS template batches, WeCom tasks per staff
 * member, WeChat subscription messages): a seam with one class per channel. A sender starts no
 * vendor call after `deadline` (ADR 0006): a message it did not start goes back to `planned`
 * with reason `dispatch_deadline`, to pass the gate again.
 */
export interface ChunkSender {
  /** Stored on the send: aliyun, tencent, sandbox, wecom, wechat. */
  readonly vendor: string;
  /** What the opened contact point is, for the audit row (R16). */
  readonly contactField: string;
  /** Recipients per vendor batch; batches of one chunk go out in parallel. */
  readonly maxBatch: number;
  send(batch: AdmittedRecipient[], deadline: number): Promise<SendOutcome[]>;
}

export function notStarted(batch: { sendId: string }[]): SendOutcome[] {
  return batch.map((m) => ({ sendId: m.sendId, state: 'planned', reason: 'dispatch_deadline' }));
}
