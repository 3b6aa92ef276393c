import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import { PRIVACY_DB } from '../privacy.options';
import type { SubjectLookupResponse } from './subject-lookups.response';
import { SubjectLookupsError, SubjectLookupsErrorCode } from './subject-lookups.errors';
import { SubjectLookupsRepository } from './subject-lookups.repository';

/** A lookup's outcome: the subject and its requests, read under the lookup's purpose and audited (R16). */
@Injectable()
export class SubjectLookupQuery {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly lookups: SubjectLookupsRepository,
  ) {}

  async describe(officer: Actor, id: string): Promise<SubjectLookupResponse> {
    return this.ds.transaction(async (tx) => {
      const l = await this.lookups.findById(tx, id);
      if (!l) throw new SubjectLookupsError(SubjectLookupsErrorCode.LOOKUP_NOT_FOUND, `no lookup ${id}`);
      const status = !l.answeredAt ? 'pending' : l.subjectRef ? 'found' : 'not_found';
      const requests = l.subjectRef ? await this.lookups.listRequestsOf(tx, l.subjectRef) : [];
      if (l.subjectRef)
        await appendAudit(tx, {
          actor: officer.id,
          action: 'subject-lookup.read',
          purpose: l.purpose,
          subject: l.subjectRef,
          fields: ['subject_ref', 'requests'],
          outcome: 'allowed',
        });
      return {
        lookupId: l.id,
        status,
        purpose: l.purpose,
        reference: l.reference,
        requestedBy: l.requestedBy,
        requestedAt: l.requestedAt,
        subjectRef: l.subjectRef,
        requests,
      };
    });
  }
}
