import { Controller, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { SubjectParams } from '../ledger-api/ledger-query.request';
import { IssuePreferenceLink } from './issue-preference-link.query';
import { PreferenceLinkResponse } from './preference-link.response';

/** Support staff hand a customer their preference-centre link (the customer acts; staff cannot). */
@ApiTags('consent: preferences')
@Controller('api/v1/consent/subjects')
export class PreferenceLinkController {
  constructor(private readonly preferenceLink: IssuePreferenceLink) {}

  @Post(':subjectRef/preference-link')
  @ApiCreatedResponse({ type: PreferenceLinkResponse })
  @ApiErrors({ 404: ['SUBJECT_UNKNOWN'] })
  @Roles('privacy_officer', 'admin')
  issue(@Param() { subjectRef }: SubjectParams): Promise<PreferenceLinkResponse> {
    return this.preferenceLink.execute(subjectRef);
  }
}
