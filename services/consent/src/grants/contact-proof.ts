import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel, ConsentGrantedV1 } from '@siyu/contracts';
import { ConsentKeys } from '../consent.keys';
import { SubjectRepository } from '../subjects/subject.repository';
import { openidIndex, WechatBindingRepository } from '../wechat/wechat-binding.repository';
import { externalUserIndex, WecomBindingRepository } from '../wecom-door/wecom-binding.repository';

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
  | { by: 'platform_membership'; phone: string | null }
  /**
   * Door 2 reached from WeCom: the customer added the brand's staff member (not consent by itself)
   * and opened the consent link of the welcome message, which carries the WeCom contact sealed.
   */
  | { by: 'wecom_contact'; externalUserId: string; staffUserId: string; inviteId: string };

/** What each kind of proof means for subjects, evidence and contact points. */
@Injectable()
export class ContactProofs {
  constructor(
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
    private readonly bindings: WechatBindingRepository,
    private readonly wecomBindings: WecomBindingRepository,
  ) {}

  /** The channels a proof verifies a contact for: an openid proves no phone, so only WeChat; a WeCom contact only WeCom. */
  channelsProven(by: ContactProof['by'], channels: Channel[]): Channel[] {
    if (by === 'wechat_oauth') return channels.filter((c) => c === 'wechat');
    if (by === 'wecom_contact') return channels.filter((c) => c === 'wecom');
    return channels;
  }

  /** The subject this contact already belongs to, if any (never by the contact itself: a blind index). */
  findSubject(tx: EntityManager, brandId: string, proof: ContactProof): Promise<string | null> {
    if (proof.by === 'wecom_contact')
      return this.subjects.findByContactIndex(tx, brandId, this.wecomSubjectIndex(brandId, proof));
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
    if (proof.by === 'wecom_contact')
      return this.subjects.findOrCreate(tx, brandId, this.wecomSubjectIndex(brandId, proof), (ref) =>
        contacts.seal(proof.externalUserId, ref),
      );
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
      case 'wecom_contact':
        return { contactVerifiedBy: 'wecom_contact', wecomInviteId: proof.inviteId };
    }
  }

  /** The proof's id as consumers see it (the code challenge, the OAuth ticket); none for a join. */
  proofId(proof: ContactProof): string | null {
    switch (proof.by) {
      case 'sms_otp':
        return proof.challengeId;
      case 'wechat_oauth':
        return proof.ticketId;
      case 'wecom_contact':
        return proof.inviteId;
      case 'platform_membership':
        return null;
    }
  }

  /**
   * The verified contact point of each granted channel travels sealed for outreach only (ADR 0003),
   * never in clear: the phone for SMS, the openid for WeChat (outreach sends subscription messages
   * to it), for WeCom the customer's external_userid with the staff member whose contact they are
   * (only that staff member can message them). Sealed under the subject ref, so a copy cannot be
   * replayed for another member.
   */
  contactPoints(
    proof: ContactProof,
    subjectRef: string,
    channels: Channel[],
  ): ConsentGrantedV1['contactPoints'] {
    const seal = (plain: string) => this.keys.contacts.seal(plain, subjectRef);
    if (proof.by === 'wecom_contact')
      return channels.includes('wecom')
        ? [
            {
              channel: 'wecom',
              sealed: seal(
                JSON.stringify({ externalUserId: proof.externalUserId, staffUserId: proof.staffUserId }),
              ),
            },
          ]
        : [];
    if (proof.by === 'wechat_oauth')
      return channels.includes('wechat') ? [{ channel: 'wechat', sealed: seal(proof.openid) }] : [];
    if (proof.phone === null || !channels.includes('sms')) return [];
    return [{ channel: 'sms', sealed: seal(proof.phone) }];
  }

  /**
   * After a grant by openid, 取消关注 must withdraw it (R9), and after one by WeCom contact, the
   * customer deleting the staff member must: the openid / external_userid is bound to the subject.
   */
  async bindIn(tx: EntityManager, brandId: string, proof: ContactProof, subjectRef: string): Promise<void> {
    if (proof.by === 'wechat_oauth')
      await this.bindings.bind(tx, brandId, openidIndex(this.keys.index, brandId, proof.openid), subjectRef);
    if (proof.by === 'wecom_contact')
      await this.wecomBindings.bind(
        tx,
        brandId,
        externalUserIndex(this.keys.index, brandId, proof.externalUserId),
        subjectRef,
      );
  }

  /** Subjects by WeCom contact: their own index domain, apart from phones and openids. */
  private wecomSubjectIndex(brandId: string, proof: { externalUserId: string }): string {
    return this.keys.index.compute(`wecom:${brandId}`, proof.externalUserId);
  }
}
