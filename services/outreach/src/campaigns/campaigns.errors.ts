import { DomainError } from '@siyu/auth';

export enum CampaignErrorCode {
  NOT_FOUND = 'CAMPAIGN_NOT_FOUND',
  SEGMENT_NOT_READY = 'SEGMENT_NOT_READY',
  BODY_NOT_ALLOWED = 'CAMPAIGN_BODY_NOT_ALLOWED',
}

export class CampaignError extends DomainError<CampaignErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case CampaignErrorCode.NOT_FOUND:
        return 404;
      case CampaignErrorCode.SEGMENT_NOT_READY:
        return 409;
      case CampaignErrorCode.BODY_NOT_ALLOWED:
        return 422;
    }
  }
}
