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

  async check(tx: EntityManager, transport: MessageTransport, subjectRef: string, purpose: Purpose, channel: Channel): Promise<GateVerdict> {
    if (!(await this.projectionIsFresh(tx, transport))) return { allowed: false, reason: 'projection_stale' };
    // FOR SHARE: a withdrawal being applied right now waits for this dispatch or blocks it.
    const [consent] = await tx.query(
      'SELECT granted FROM consent_projection WHERE subject_ref = $1 AND purpose = $2 AND channel = $3 FOR SHARE',
      [subjectRef, purpose, channel],
    );
    if (!consent) return { allowed: false, reason: 'no_consent' };
    if (!consent.granted) return { allowed: false, reason: 'consent_withdrawn' };
    const [contact] = await tx.query('SELECT sealed FROM contact_points WHERE subject_ref = $1 AND channel = $2', [subjectRef, channel]);
    if (!contact) return { allowed: false, reason: 'no_contact_point' };
    return { allowed: true, sealedContact: contact.sealed };
  }

  async projectionIsFresh(tx: EntityManager, transport: MessageTransport): Promise<boolean> {
    const partitions = await transport.partitionCount(TOPICS.consentWithdrawn);
    const [row] = await tx.query(
      `SELECT count(*)::int AS seen, coalesce(extract(epoch FROM clock_timestamp() - min(at)) * 1000, 1e12) AS lag_ms
         FROM consent_watermarks WHERE partition < $1`,
      [partitions],
    );
    return row.seen === partitions && Number(row.lag_ms) <= (this.options.freshnessBoundMs ?? 1000);
  }
}
