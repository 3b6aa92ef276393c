import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS, type Channel, type Purpose } from '@siyu/contracts';
import type { MessageTransport } from '@siyu/messaging';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';

export type GateRefusal = 'no_consent' | 'consent_withdrawn' | 'no_contact_point' | 'projection_stale';
export type GateVerdict = { allowed: true; sealedContact: string } | { allowed: false; reason: GateRefusal };

/**
 * Invariant 4, checked right before each dispatch in the dispatch transaction: the consent for
 * this purpose and channel is active in outreach's projection, and the projection is known to be
 * current (every partition's watermark is within the freshness bound). Otherwise: no send.
 */
@Injectable()
export class SendGate {
  constructor(@Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions) {}

  async check(
    tx: EntityManager,
    transport: MessageTransport,
    subjectRef: string,
    purpose: Purpose,
    channel: Channel,
  ): Promise<GateVerdict> {
    if (!(await this.projectionIsFresh(tx, transport))) return { allowed: false, reason: 'projection_stale' };
    // FOR SHARE: a withdrawal being applied right now waits for this dispatch or blocks it.
    const [consent] = await tx.query(
      'SELECT granted FROM consent_projection WHERE subject_ref = $1 AND purpose = $2 AND channel = $3 FOR SHARE',
      [subjectRef, purpose, channel],
    );
    if (!consent) return { allowed: false, reason: 'no_consent' };
    if (!consent.granted) return { allowed: false, reason: 'consent_withdrawn' };
    const [contact] = await tx.query(
      'SELECT sealed FROM contact_points WHERE subject_ref = $1 AND channel = $2',
      [subjectRef, channel],
    );
    if (!contact) return { allowed: false, reason: 'no_contact_point' };
    return { allowed: true, sealedContact: contact.sealed };
  }

  async projectionIsFresh(tx: EntityManager, transport: MessageTransport): Promise<boolean> {
    const { seenAll, lagMs } = await this.watermark(tx, transport, null);
    return seenAll && lagMs <= (this.options.freshnessBoundMs ?? 1000);
  }

  /**
   * True once every partition's watermark has passed `since` (a database time): every withdrawal
   * committed before `since` is then in the projection. Runs wait for this at the start of each
   * batch, so a "no" given before a run starts is always honoured, not merely within the bound.
   */
  async projectionHasPassed(tx: EntityManager, transport: MessageTransport, since: string): Promise<boolean> {
    const { seenAll, lagMs } = await this.watermark(tx, transport, since);
    return seenAll && lagMs <= 0;
  }

  async databaseNow(tx: EntityManager): Promise<string> {
    const [{ now }] = await tx.query('SELECT clock_timestamp() AS now');
    return new Date(now).toISOString();
  }

  private async watermark(
    tx: EntityManager,
    transport: MessageTransport,
    since: string | null,
  ): Promise<{ seenAll: boolean; lagMs: number }> {
    const partitions = await transport.partitionCount(TOPICS.consentWithdrawn);
    const [row] = await tx.query(
      `SELECT count(*)::int AS seen,
              coalesce(extract(epoch FROM coalesce($2::timestamptz, clock_timestamp()) - min(at)) * 1000, 1e12) AS lag_ms
         FROM consent_watermarks WHERE partition < $1`,
      [partitions, since],
    );
    return { seenAll: row.seen === partitions, lagMs: Number(row.lag_ms) };
  }
}
