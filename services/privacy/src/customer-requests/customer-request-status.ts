import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type {
  AccessExportResponse,
  DataSubjectRequestResponse,
} from '../data-subject-requests/data-subject-request.response';
import { DataSubjectRequestRepository } from '../data-subject-requests/data-subject-request.repository';
import { DataSubjectRequestsError } from '../data-subject-requests/data-subject-requests.errors';
import { RequestStatus } from '../data-subject-requests/request-status';
import { PRIVACY_DB, PRIVACY_OPTIONS, type PrivacyModuleOptions } from '../privacy.options';
import { statusTokenHash } from './confirm-requester-code.use-case';
import { CustomerRequestsError, CustomerRequestsErrorCode } from './customer-requests.errors';

/** What the holder of a status link may see: that one request, its receipts and its export. */
@Injectable()
export class CustomerRequestStatus {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly requests: DataSubjectRequestRepository,
    private readonly status: RequestStatus,
  ) {}

  get brandName(): string {
    return this.options.brandName ?? this.options.brandId;
  }

  async describe(token: string): Promise<DataSubjectRequestResponse> {
    return this.status.describe(await this.requestOf(token));
  }

  async exportAccess(token: string): Promise<AccessExportResponse> {
    const id = await this.requestOf(token);
    try {
      return await this.status.exportAccess(id);
    } catch (err) {
      if (err instanceof DataSubjectRequestsError)
        throw new CustomerRequestsError(CustomerRequestsErrorCode.EXPORT_NOT_READY, err.message);
      throw err;
    }
  }

  private async requestOf(token: string): Promise<string> {
    const id =
      typeof token === 'string' && /^[A-Za-z0-9_-]{32}$/.test(token)
        ? await this.requests.findIdByStatusTokenHash(this.ds.manager, statusTokenHash(token))
        : undefined;
    if (!id)
      throw new CustomerRequestsError(CustomerRequestsErrorCode.STATUS_LINK_INVALID, 'no such status link');
    return id;
  }
}
