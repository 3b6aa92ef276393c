import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS, type Channel, type Purpose } from '@siyu/contracts';
import type { MessageTransport } from '@siyu/messaging';
import {
  ConsentProjectionRepository,
  type ClearanceQuery,
  type GateChunk,
  type GateRefusal,
} from '../consent-projection/consent-projection.repository';
import { DEFAULT_FREQUENCY_CAPS, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';

/** The longest rolling cap window the send counters can answer (they keep 400 days). */
export const MAX_CAP_WINDOW_DAYS = 400;

/** Suppression sources recorded by outreach itself; they block a channel until removed by hand. */
export const OUTREACH_SUPPRESSION_SOURCES = [
  'vendor_blacklist',
  'vendor_unsubscribed',
  'hard_failure',
  'wechat_refused',
];

export type GateVerdict =
  { allowed: true; sealedContact: string } | { allowed: false; reason: GateRefusal | 'projection_stale' };

export interface ChunkRequest {
  runId: string;
  purpose: Purpose;
  channel: Channel;
  limit: number;
  quietHours: { start: string; end: string } | null;
}

/**
 * Invariant 4, right before dispatch and batched: one statement per chunk of planned sends decides
 * each of them against outreach's consent projection, the watermark's freshness, suppressions,
 * frequency caps and quiet hours (the SQL lives in the consent-projection repository). The vendor
 * call happens after this transaction commits, before `dispatchDeadline` (ADR 0006). The run's plan
 * judged the clock-independent checks set-wise (`clearanceFor`); the gate re-probes a send only when
 * something it rests on changed since (ADR 0018).
 */
@Injectable()
export class SendGate {
  constructor(
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly projection: ConsentProjectionRepository,
  ) {
    // send_counters keeps 400 days of dispatch times: a longer window would silently count too few.
    for (const [channel, cap] of Object.entries(options.frequencyCaps ?? {}))
      if (cap?.days !== undefined && !(cap.days >= 1 && cap.days <= MAX_CAP_WINDOW_DAYS))
        throw new Error(`frequencyCaps.${channel}.days must be 1–${MAX_CAP_WINDOW_DAYS}, got ${cap.days}`);
  }

  get freshnessBoundMs(): number {
    return this.options.freshnessBoundMs ?? 1000;
  }

  async admitChunk(tx: EntityManager, transport: MessageTransport, r: ChunkRequest): Promise<GateChunk> {
    if (this.options.sendGate === 'off-for-benchmark')
      return this.projection.admitChunkUngated(tx, r.runId, r.channel, r.limit);
    return this.projection.admitChunk(tx, {
      ...r,
      ...this.clearance(r.purpose, r.channel),
      partitions: await transport.partitionCount(TOPICS.consentWithdrawn),
      freshnessBoundMs: this.freshnessBoundMs,
    });
  }

  /**
   * The checks that do not depend on the clock, with this deployment's caps and suppression
   * sources: judged for a whole run when it is planned (ADR 0018) and for each send the plan did not
   * clear, or whose inputs changed since, at dispatch. Null when the gate is off (benchmarks): the
   * baseline plans nothing the gate would use.
   */
  clearanceFor(purpose: Purpose, channel: Channel): ClearanceQuery | null {
    return this.options.sendGate === 'off-for-benchmark' ? null : this.clearance(purpose, channel);
  }

  private clearance(purpose: Purpose, channel: Channel): ClearanceQuery {
    const caps = { ...DEFAULT_FREQUENCY_CAPS, ...this.options.frequencyCaps };
    return {
      // Caps count marketing only: a notification purpose is not capped.
      cap: purpose === 'marketing_messages' ? (caps[channel] ?? null) : null,
      defaultTimeZone: this.options.timeZone ?? 'Asia/Shanghai',
      suppressionSources: OUTREACH_SUPPRESSION_SOURCES,
    };
  }

  /**
   * The latest moment (this process's clock) at which an admitted chunk may still reach the
   * vendor: a withdrawal the projection had not seen was committed after the oldest watermark, so
   * dispatching before watermark + bound keeps every dispatch within the bound of any withdrawal.
   */
  dispatchDeadline(chunk: GateChunk, answeredAt: number): number {
    return answeredAt + this.freshnessBoundMs - Math.max(0, chunk.lagMs);
  }

  /** One recipient, outside any run (the withdrawal benchmark's probe). */
  async check(
    tx: EntityManager,
    transport: MessageTransport,
    subjectRef: string,
    purpose: Purpose,
    channel: Channel,
  ): Promise<GateVerdict> {
    if (!(await this.projectionIsFresh(tx, transport))) return { allowed: false, reason: 'projection_stale' };
    const { granted, sealed } = await this.projection.consentAndContactOf(tx, subjectRef, purpose, channel);
    if (granted === null) return { allowed: false, reason: 'no_consent' };
    if (!granted) return { allowed: false, reason: 'consent_withdrawn' };
    if (!sealed) return { allowed: false, reason: 'no_contact_point' };
    return { allowed: true, sealedContact: sealed };
  }

  async projectionIsFresh(tx: EntityManager, transport: MessageTransport): Promise<boolean> {
    const partitions = await transport.partitionCount(TOPICS.consentWithdrawn);
    const { seenAll, lagMs } = await this.projection.watermarkLag(tx, partitions, null);
    return seenAll && lagMs <= this.freshnessBoundMs;
  }

  /**
   * True once every partition's watermark has passed `since` (a database time): every withdrawal
   * committed before `since` is then in the projection. A run waits for this before its first chunk,
   * so a "no" given before the run started is always honoured, not merely within the bound.
   */
  async projectionHasPassed(tx: EntityManager, transport: MessageTransport, since: string): Promise<boolean> {
    const partitions = await transport.partitionCount(TOPICS.consentWithdrawn);
    const { seenAll, lagMs } = await this.projection.watermarkLag(tx, partitions, since);
    return seenAll && lagMs <= 0;
  }

  async databaseNow(tx: EntityManager): Promise<string> {
    return this.projection.databaseNow(tx);
  }
}
