import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConsentKeys } from '../consent.keys';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { SubjectRepository } from '../subjects/subject.repository';
import { PREFERENCE_LINK_TTL_SECONDS, signPreferenceLink } from './preference-link';
import type { PreferenceLinkResponse } from './preference-link.response';
import { PreferencesError, PreferencesErrorCode } from './preferences.errors';

/**
 * A signed preference-centre link for one known subject, for support staff to hand on: it writes
 * nothing (the customer acts through the link; staff cannot).
 */
@Injectable()
export class IssuePreferenceLink {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
  ) {}

  async execute(subjectRef: string): Promise<PreferenceLinkResponse> {
    const brandId = this.options.brand.id;
    if (!(await this.subjects.exists(this.ds.manager, brandId, subjectRef)))
      throw new PreferencesError(PreferencesErrorCode.SUBJECT_UNKNOWN, 'no such subject for this brand');
    const token = signPreferenceLink(this.keys.customerLinks, { subjectRef, brandId });
    return {
      url: `${this.options.publicBaseUrl}/p/${token}`,
      expiresAt: new Date(Date.now() + PREFERENCE_LINK_TTL_SECONDS * 1000).toISOString(),
    };
  }
}
