import { DomainError } from '@siyu/http';

export enum TemplateErrorCode {
  NOT_FOUND = 'TEMPLATE_NOT_FOUND',
  REFUSED = 'TEMPLATE_REFUSED',
  VENDOR_NOT_CONFIGURED = 'TEMPLATE_VENDOR_NOT_CONFIGURED',
  SYNC_FAILED = 'TEMPLATE_SYNC_FAILED',
}

export class TemplateError extends DomainError<TemplateErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case TemplateErrorCode.NOT_FOUND:
        return 404;
      case TemplateErrorCode.REFUSED:
        return 422;
      case TemplateErrorCode.VENDOR_NOT_CONFIGURED:
        return 409;
      case TemplateErrorCode.SYNC_FAILED:
        return 502;
    }
  }
}
