import { DomainError } from '@siyu/http';

export enum CampaignErrorCode {
  NOT_FOUND = 'CAMPAIGN_NOT_FOUND',
  RUN_NOT_FOUND = 'CAMPAIGN_RUN_NOT_FOUND',
  SEGMENT_NOT_READY = 'SEGMENT_NOT_READY',
  SEGMENT_MISMATCH = 'CAMPAIGN_SEGMENT_MISMATCH',
  TEMPLATE_NOT_USABLE = 'CAMPAIGN_TEMPLATE_NOT_USABLE',
  VARIABLES_INVALID = 'CAMPAIGN_VARIABLES_INVALID',
  OFFER_DIFFERS = 'CAMPAIGN_OFFER_DIFFERS',
  SCHEDULE_INVALID = 'CAMPAIGN_SCHEDULE_INVALID',
  STATE_CONFLICT = 'CAMPAIGN_STATE_CONFLICT',
}

export class CampaignError extends DomainError<CampaignErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CampaignErrorCode.NOT_FOUND:
      case CampaignErrorCode.RUN_NOT_FOUND:
        return 404;
      case CampaignErrorCode.SEGMENT_NOT_READY:
      case CampaignErrorCode.STATE_CONFLICT:
        return 409;
      case CampaignErrorCode.SEGMENT_MISMATCH:
      case CampaignErrorCode.TEMPLATE_NOT_USABLE:
      case CampaignErrorCode.VARIABLES_INVALID:
      case CampaignErrorCode.OFFER_DIFFERS:
      case CampaignErrorCode.SCHEDULE_INVALID:
        return 422;
    }
  }
}
