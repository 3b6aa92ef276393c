import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { PRIVACY_DB } from '../privacy.options';
import { DataSubjectRequestRepository } from './data-subject-request.repository';
import {
  toRequestResponse,
  type AccessExportResponse,
  type DataSubjectRequestResponse,
} from './data-subject-request.response';
import { DataSubjectRequestsError, DataSubjectRequestsErrorCode } from './data-subject-requests.errors';

/** Reads a request with its per-service receipts, and assembles an access export from the answers. */
@Injectable()
export class RequestStatus {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly requests: DataSubjectRequestRepository,
  ) {}

  async describe(id: string, now = new Date()): Promise<DataSubjectRequestResponse> {
    const request = await this.requests.findById(this.ds.manager, id);
    if (!request)
      throw new DataSubjectRequestsError(DataSubjectRequestsErrorCode.REQUEST_NOT_FOUND, `no request ${id}`);
    return toRequestResponse(request, await this.requests.listReceipts(this.ds.manager, id), now);
  }

  /** Only the answers recorded for this request, each already checked against its subject ref. */
  async exportAccess(id: string, now = new Date()): Promise<AccessExportResponse> {
    const status = await this.describe(id, now);
    if (status.kind !== 'access')
      throw new DataSubjectRequestsError(
        DataSubjectRequestsErrorCode.NOT_AN_ACCESS_REQUEST,
        `request ${id} is an ${status.kind} request; only access requests have an export`,
      );
    if (status.status !== 'completed')
      throw new DataSubjectRequestsError(
        DataSubjectRequestsErrorCode.EXPORT_NOT_READY,
        `request ${id} still waits for ${status.receipts
          .filter((r) => r.state !== 'answered')
          .map((r) => r.service)
          .join(', ')}`,
      );
    return {
      requestId: id,
      subjectRef: status.subjectRef,
      assembledAt: now.toISOString(),
      services: Object.fromEntries(status.receipts.map((r) => [r.service, r.lines])),
    };
  }
}
