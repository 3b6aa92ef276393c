import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import {
  TOPICS,
  type DataSubjectRequestKind,
  type PrivacyAccessRequestedV1,
  type PrivacyErasureRequestedV1,
  type PrivacyWithdrawAllRequestedV1,
} from '@siyu/contracts';
import { addToOutbox } from '@siyu/messaging';
import {
  DEFAULT_ANSWERING_SERVICES,
  DEFAULT_DEADLINE_WORKING_DAYS,
  PRIVACY_DB,
  PRIVACY_OPTIONS,
  type PrivacyModuleOptions,
} from '../privacy.options';
import { DataSubjectRequestRepository } from './data-subject-request.repository';
import { addWorkingDays } from './working-days';

export interface LoggedRequest {
  id: string;
  dueAt: string;
}

/**
 * Opens a data-subject request (R14) and fans it out to every service in one transaction: the
 * request, one tracking row per answering service, the event and the audit entry commit together.
 */
@Injectable()
export class LogRequest {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyModuleOptions,
    private readonly requests: DataSubjectRequestRepository,
  ) {}

  async execute(
    actor: Actor,
    input: { subjectRef: string; kind: DataSubjectRequestKind },
    receivedVia: 'offline' | 'public_page' = 'offline',
    now = new Date(),
  ): Promise<LoggedRequest> {
    return this.ds.transaction((tx) => this.logIn(tx, actor.id, input, receivedVia, now));
  }

  /** The same inside the caller's transaction (a customer's confirmed code, with its status link). */
  async logIn(
    tx: EntityManager,
    loggedBy: string,
    input: { subjectRef: string; kind: DataSubjectRequestKind },
    receivedVia: 'offline' | 'public_page',
    now: Date,
    statusTokenHash?: string,
  ): Promise<LoggedRequest> {
    const id = randomUUID();
    const dueAt = addWorkingDays(now, this.options.deadlineWorkingDays ?? DEFAULT_DEADLINE_WORKING_DAYS);
    // A withdrawal lands in consent's ledger; every other service follows consent.withdrawn.v1 (R10).
    const services =
      input.kind === 'withdraw_all'
        ? ['consent']
        : (this.options.answeringServices ?? DEFAULT_ANSWERING_SERVICES);
    await this.requests.insert(
      tx,
      {
        id,
        brandId: this.options.brandId,
        subjectRef: input.subjectRef,
        kind: input.kind,
        receivedVia,
        loggedBy,
        receivedAt: now.toISOString(),
        dueAt: dueAt.toISOString(),
      },
      services,
      statusTokenHash,
    );
    const event = { requestId: id, subjectRef: input.subjectRef, brandId: this.options.brandId };
    if (input.kind === 'access')
      await addToOutbox<PrivacyAccessRequestedV1>(tx, TOPICS.privacyAccessRequested, input.subjectRef, {
        type: 'privacy.access-requested.v1',
        ...event,
      });
    else if (input.kind === 'withdraw_all')
      await addToOutbox<PrivacyWithdrawAllRequestedV1>(
        tx,
        TOPICS.privacyWithdrawAllRequested,
        input.subjectRef,
        { type: 'privacy.withdraw-all-requested.v1', ...event },
      );
    else
      await addToOutbox<PrivacyErasureRequestedV1>(tx, TOPICS.privacyErasureRequested, input.subjectRef, {
        type: 'privacy.erasure-requested.v1',
        ...event,
      });
    await appendAudit(tx, {
      actor: loggedBy,
      action: `data-subject-request.${input.kind}.logged`,
      purpose: 'data_subject_rights',
      subject: input.subjectRef,
      fields: [],
      outcome: 'allowed',
    });
    return { id, dueAt: dueAt.toISOString() };
  }
}
