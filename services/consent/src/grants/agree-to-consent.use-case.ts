import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel, ConsentDoor, ConsentGrantedV1, Purpose } from '@siyu/contracts';
import { RecordGrant } from '../ledger/record-grant.use-case';
import type { LedgerEntry } from '../ledger/ledger.repository';
import type { PublishedNotice } from '../notices/notice';
import { ContactProofs, type ContactProof } from './contact-proof';

/** What a door decided: who agreed to what, under which notice, with which contact proof. */
export interface Agreement {
  brandId: string;
  subjectRef: string;
  /** Already narrowed by the door to what the notice (and the proof) cover (R5, R7). */
  purposes: Purpose[];
  channels: Channel[];
  /** The notice shown (R5). */
  notice: PublishedNotice;
  door: ConsentDoor;
  proof: ContactProof;
  /** The door's own minimal proof (ids and hashes, never plaintext PII); the contact proof is added. */
  evidence: Record<string, string>;
  /** The evidence id consumers see; defaults to the contact proof's id (a fresh one for a join). */
  evidenceRef?: string;
  link: ConsentGrantedV1['link'];
  /** When the grant lapses (a membership's lifetime). */
  expiresAt?: Date;
  /** The member's IANA zone when the door knew it (quiet hours); travels on the event only. */
  timeZone?: string;
}

/**
 * The one agree step every door ends in (R6, R7): the grant with its contact proof in the ledger,
 * its sealed contact point on `consent.granted.v1`, and the openid bound for 取消关注, all in the
 * caller's transaction (see `RecordGrant.in`), the grant last. The caller kicks the relay after its
 * commit and writes nothing after this step in that transaction.
 */
@Injectable()
export class AgreeToConsent {
  constructor(
    private readonly proofs: ContactProofs,
    private readonly recordGrant: RecordGrant,
  ) {}

  async in(tx: EntityManager, agreement: Agreement): Promise<LedgerEntry> {
    const { brandId, subjectRef, proof, channels } = agreement;
    const evidenceRef = agreement.evidenceRef ?? this.proofs.proofId(proof) ?? randomUUID();
    // Before the grant: `RecordGrant.in` takes the brand chain's lock, held until commit (see there).
    await this.proofs.bindIn(tx, brandId, proof, subjectRef);
    return this.recordGrant.in(tx, {
      brandId,
      subjectRef,
      purposes: agreement.purposes,
      channels,
      noticeHash: agreement.notice.contentHash,
      door: agreement.door,
      expiresAt: agreement.expiresAt,
      evidence: { ...agreement.evidence, ...this.proofs.evidence(proof) },
      evidenceRef,
      contactPoints: this.proofs.contactPoints(proof, subjectRef, channels),
      link: agreement.link,
      timeZone: agreement.timeZone,
    });
  }
}
