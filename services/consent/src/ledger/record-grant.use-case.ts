import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS, type Channel, type ConsentDoor, type ConsentGrantedV1, type Purpose } from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { ConsentExpiryRepository } from '../expiry/consent-expiry.repository';
import { LedgerRepository, type LedgerEntry } from './ledger.repository';

/** One consent as a door decided it: who, what, under which notice, with which proof. */
export interface Grant {
  brandId: string;
  subjectRef: string;
  purposes: Purpose[];
  channels: Channel[];
  /** The notice shown (R5). */
  noticeHash: string;
  door: ConsentDoor;
  /** Minimal proof for the ledger (R20): ids and hashes, never plaintext PII. */
  evidence: Record<string, string>;
  /** The proof's id as consumers see it (the code challenge, the OAuth ticket, the join). */
  evidenceRef: string;
  /** Verified contact points, sealed for outreach only (ADR 0003). */
  contactPoints: ConsentGrantedV1['contactPoints'];
  /** What the consent links the subject to (an order for door 2; nothing for door 1). */
  link: ConsentGrantedV1['link'];
  /** When the grant lapses (R20 §2), e.g. with a membership's lifetime; hashed with the entry. */
  expiresAt?: Date;
  /** The member's IANA zone for quiet hours, when the door knew it: on the event, not in the ledger. */
  timeZone?: string;
}

/**
 * The one way a consent is granted, whichever door decided it (R6, R7): the ledger entry, its
 * scheduled lapse and `consent.granted.v1` commit in the caller's transaction, as
 * `WithdrawConsent.withdrawIn` does for "no". The caller kicks the relay after its commit.
 */
@Injectable()
export class RecordGrant {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly expiries: ConsentExpiryRepository,
  ) {}

  async in(tx: EntityManager, grant: Grant): Promise<LedgerEntry> {
    const { brandId, subjectRef, purposes, channels } = grant;
    const entry = await this.ledger.append(tx, {
      brandId,
      subjectRef,
      action: 'granted',
      purposes,
      channels,
      noticeHash: grant.noticeHash,
      door: grant.door,
      expiresAt: grant.expiresAt?.toISOString(),
      evidence: grant.evidence,
    });
    if (grant.expiresAt)
      await this.expiries.schedule(tx, {
        brandId,
        subjectRef,
        purposes,
        channels,
        expiresAt: grant.expiresAt,
        ledgerSeq: entry.seq,
      });
    await addToOutbox<ConsentGrantedV1>(tx, TOPICS.consentGranted, subjectRef, {
      type: 'consent.granted.v1',
      subjectRef,
      brandId,
      purposes,
      channels,
      contactPoints: grant.contactPoints,
      noticeVersionHash: grant.noticeHash,
      door: grant.door,
      evidenceRef: grant.evidenceRef,
      link: grant.link,
      ledgerSeq: entry.seq,
      effectiveAt: entry.at,
      ...(grant.timeZone ? { timeZone: grant.timeZone } : {}),
    });
    return entry;
  }
}
