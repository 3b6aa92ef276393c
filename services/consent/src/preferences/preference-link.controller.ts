import { Controller, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@siyu/auth';
import { PreferenceLinkResponse } from './preference-link.response';
import { Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { SubjectParams } from '../ledger-api/ledger-query.request';
import { SubjectRepository } from '../subjects/subject.repository';
import { PREFERENCE_LINK_TTL_SECONDS, signPreferenceLink } from './preference-link';
import { PreferencesError, PreferencesErrorCode } from './preferences.errors';

/** Support staff hand a customer their preference-centre link (the customer acts; staff cannot). */
@ApiTags('consent: preferences')
@Controller('api/v1/consent/subjects')
export class PreferenceLinkController {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly subjects: SubjectRepository,
  ) {}

  @Post(':subjectRef/preference-link')
  @ApiCreatedResponse({ type: PreferenceLinkResponse })
  @ApiErrors({ 404: ['SUBJECT_UNKNOWN'] })
  @Roles('privacy_officer', 'admin')
  async issue(@Param() { subjectRef }: SubjectParams) {
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
