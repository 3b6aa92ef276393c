import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  TOPICS,
  type HeldDataLine,
  type PrivacyAccessRequestedV1,
  type PrivacyErasureRequestedV1,
  type PrivacyRequestAnsweredV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import { hashPassword } from '../staff-accounts/passwords';
import { StaffSubjectRepository } from './staff-subject.repository';

/**
 * Identity's answer to a data-subject request (R14). Identity holds personal data of staff only:
 * for a customer it answers that it holds nothing; for a staff member (the subject ref is their
 * account id) it names the account, and on erasure anonymises it.
 */
@Injectable()
export class AnswerIdentitySubjectRequest {
  constructor(private readonly staff: StaffSubjectRepository) {}

  async answerAccess(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<void> {
    const account = await this.staff.lockAccount(tx, e.subjectRef);
    await this.answer(tx, e, 'access', [
      {
        category: 'staff_account',
        records: account ? 1 : 0,
        status: 'held',
        explanation: account
          ? 'your staff account: username, role, password hash, when it was created and changed'
          : 'identity holds staff accounts only; none is yours',
      },
      {
        category: 'api_keys_created',
        records: account?.keysCreated ?? 0,
        status: 'held',
        explanation: 'machine keys you created (name, role, dates; the key itself is never kept)',
      },
    ]);
  }

  async answerErasure(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<void> {
    const account = await this.staff.lockAccount(tx, e.subjectRef);
    if (account)
      await this.staff.anonymise(tx, account.id, await hashPassword(randomBytes(32).toString('base64')));
    await this.answer(tx, e, 'erasure', [
      {
        category: 'staff_account',
        records: account ? 1 : 0,
        status: account ? 'kept_as_proof' : 'deleted',
        explanation: account
          ? 'disabled, username and password removed; the account id stays because audit trails name it'
          : 'identity holds staff accounts only; none is yours',
      },
    ]);
  }

  private async answer(
    tx: EntityManager,
    e: PrivacyAccessRequestedV1 | PrivacyErasureRequestedV1,
    kind: 'access' | 'erasure',
    lines: HeldDataLine[],
  ): Promise<void> {
    await addToOutbox<PrivacyRequestAnsweredV1>(tx, TOPICS.privacyRequestAnswered, e.subjectRef, {
      type: 'privacy.request-answered.v1',
      requestId: e.requestId,
      subjectRef: e.subjectRef,
      service: 'identity',
      kind,
      lines,
    });
  }
}
