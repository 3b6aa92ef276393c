import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel, ConsentGrantedV1 } from '@siyu/contracts';
import { ConsentKeys } from '../consent.keys';
import { SubjectRepository } from '../subjects/subject.repository';
import { openidIndex, WechatBindingRepository } from '../wechat/wechat-binding.repository';

/**
 * How a door knows the contact point is the customer's own (R6). It is all that differs between
 * the doors once the customer agreed: which subject the contact finds, what the ledger records as
 * proof, and which contact point travels (sealed) to outreach.
 */
export type ContactProof =
  /** Door 2: a phone typed on the card's page, proven by the one-time code sent to it. */
  | { by: 'sms_otp'; phone: string; challengeId: string }
  /** Door 2: a WeChat openid from OAuth (snsapi_base), carried by a sealed ticket. */
  | { by: 'wechat_oauth'; openid: string; ticketId: string }
  /** Door 1: a full mobile the platform verified itself, or none (masked or absent). */
  | { by: 'platform_membership'; phone: string | null };

/** What each kind of proof means for subjects, evidence and contact points. */
@Injectable()
export class ContactProofs {
  constructor(
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
    private readonly bindings: WechatBindingRepository,
  ) {}

  /** The channels a proof verifies a contact for: an openid proves no phone, so only WeChat. */
  channelsProven(by: ContactProof['by'], channels: Channel[]): Channel[] {
    return by === 'wechat_oauth' ? channels.filter((c) => c === 'wechat') : channels;
  }

  /** The subject this contact already belongs to, if any (never by the contact itself: a blind index). */
  findSubject(tx: EntityManager, brandId: string, proof: ContactProof): Promise<string | null> {
    if (proof.by === 'wechat_oauth')
      return this.subjects.findByOpenidIndex(
        tx,
        brandId,
        this.keys.openidSubjectIndex(brandId, proof.openid),
      );
    if (proof.phone === null) return Promise.resolve(null);
    return this.subjects.findByPhoneIndex(tx, brandId, this.keys.phoneIndex(brandId, proof.phone));
  }

  /**
   * The subject of this contact, created with the contact sealed (phones and openids under separate
   * index domains); a proof without a contact (a masked platform mobile) gets a fresh subject ref.
   */
  async subjectFor(tx: EntityManager, brandId: string, proof: ContactProof): Promise<string> {
    const contacts = this.keys.contacts;
    if (proof.by === 'wechat_oauth')
      return this.subjects.findOrCreate(
        tx,
        brandId,
        this.keys.openidSubjectIndex(brandId, proof.openid),
        (ref) => contacts.seal(proof.openid, ref),
      );
    const phone = proof.phone;
    if (phone === null) return randomUUID();
    return this.subjects.findOrCreate(tx, brandId, this.keys.phoneIndex(brandId, phone), (ref) =>
      contacts.seal(phone, ref),
    );
  }

  /** What the ledger keeps of the proof (R20): how the contact was verified and the proof's id. */
  evidence(proof: ContactProof): Record<string, string> {
    switch (proof.by) {
      case 'sms_otp':
        return { contactVerifiedBy: 'sms_otp', challengeId: proof.challengeId };
      case 'wechat_oauth':
        return { contactVerifiedBy: 'wechat_oauth', oauthTicketId: proof.ticketId };
      case 'platform_membership':
        return { contactVerifiedBy: proof.phone ? 'platform_membership' : 'none' };
    }
  }

  /** The proof's id as consumers see it (the code challenge, the OAuth ticket); none for a join. */
  proofId(proof: ContactProof): string | null {
    return proof.by === 'sms_otp' ? proof.challengeId : proof.by === 'wechat_oauth' ? proof.ticketId : null;
  }

  /**
   * The verified contact point of each granted channel travels sealed for outreach only (ADR 0003),
   * never in clear: the phone for SMS, the openid for WeChat (outreach sends subscription messages
   * to it). Sealed under the subject ref, so a copy cannot be replayed for another member.
   */
  contactPoints(
    proof: ContactProof,
    subjectRef: string,
    channels: Channel[],
  ): ConsentGrantedV1['contactPoints'] {
    const seal = (plain: string) => this.keys.contacts.seal(plain, subjectRef);
    if (proof.by === 'wechat_oauth')
      return channels.includes('wechat') ? [{ channel: 'wechat', sealed: seal(proof.openid) }] : [];
    if (proof.phone === null || !channels.includes('sms')) return [];
    return [{ channel: 'sms', sealed: seal(proof.phone) }];
  }

  /** After a grant by openid, 取消关注 must withdraw it (R9): the openid is bound to the subject. */
  async bindIn(tx: EntityManager, brandId: string, proof: ContactProof, subjectRef: string): Promise<void> {
    if (proof.by !== 'wechat_oauth') return;
    await this.bindings.bind(tx, brandId, openidIndex(this.keys.index, brandId, proof.openid), subjectRef);
  }
}
