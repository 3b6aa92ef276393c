import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { HeldDataLine, PrivacyAccessRequestedV1, PrivacyErasureRequestedV1 } from '@siyu/contracts';
import type { SubjectDataPort } from '@siyu/data-subject-requests';
import { hashPassword } from '../staff-accounts/passwords';
import { StaffSubjectRepository } from './staff-subject.repository';

/**
 * What identity holds on a data subject (R14), answered by `answerSubjectRequest` for every brand
 * (staff accounts belong to no brand) and without an audit row. Identity holds personal data of staff only:
 * for a customer it answers that it holds nothing; for a staff member (the subject ref is their
 * account id) it names the account, and on erasure anonymises it.
 */
@Injectable()
export class IdentitySubjectData implements SubjectDataPort {
  readonly service = 'identity';
  readonly brandId = null;

  constructor(private readonly staff: StaffSubjectRepository) {}

  async access(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<HeldDataLine[]> {
    const account = await this.staff.lockAccount(tx, e.subjectRef);
    return [
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
    ];
  }

  async erase(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<HeldDataLine[]> {
    const account = await this.staff.lockAccount(tx, e.subjectRef);
    if (account)
      await this.staff.anonymise(tx, account.id, await hashPassword(randomBytes(32).toString('base64')));
    return [
      {
        category: 'staff_account',
        records: account ? 1 : 0,
        status: account ? 'kept_as_proof' : 'deleted',
        explanation: account
          ? 'disabled, username and password removed; the account id stays because audit trails name it'
          : 'identity holds staff accounts only; none is yours',
      },
    ];
  }
}
