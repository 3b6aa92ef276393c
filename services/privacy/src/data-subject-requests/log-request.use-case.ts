import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { Actor } from '@siyu/auth';
import {
  TOPICS,
  type AnsweringService,
  type CorrectableField,
  type DataSubjectRequestKind,
  type PrivacyAccessRequestedV1,
  type PrivacyCorrectionRequestedV1,
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
import { DataSubjectRequestRepository, type RequestedCorrection } from './data-subject-request.repository';
import { DataSubjectRequestsError, DataSubjectRequestsErrorCode } from './data-subject-requests.errors';
import { addWorkingDays } from './working-days';

/** Which services hold each correctable field: a correction waits only for them. */
export const CORRECTION_HOLDERS: Record<CorrectableField, AnsweringService[]> = {
  time_zone: ['outreach'], // quiet hours per recipient; audience and consent keep no time zone
};

export interface RequestInput {
  subjectRef: string;
  kind: DataSubjectRequestKind;
  correction?: RequestedCorrection;
}

export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
    input: RequestInput,
    receivedVia: 'offline' | 'public_page' = 'offline',
    now = new Date(),
  ): Promise<LoggedRequest> {
    return this.ds.transaction((tx) => this.logIn(tx, actor.id, input, receivedVia, now));
  }

  /** The same inside the caller's transaction (a customer's confirmed code, with its status link). */
  async logIn(
    tx: EntityManager,
    loggedBy: string,
    input: RequestInput,
    receivedVia: 'offline' | 'public_page',
    now: Date,
    statusTokenHash?: string,
  ): Promise<LoggedRequest> {
    const id = randomUUID();
    const dueAt = addWorkingDays(now, this.options.deadlineWorkingDays ?? DEFAULT_DEADLINE_WORKING_DAYS);
    const services = this.servicesFor(input);
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
        correction: input.kind === 'correct' ? input.correction! : null,
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
    else if (input.kind === 'correct')
      await addToOutbox<PrivacyCorrectionRequestedV1>(
        tx,
        TOPICS.privacyCorrectionRequested,
        input.subjectRef,
        {
          type: 'privacy.correction-requested.v1',
          ...event,
          field: input.correction!.field,
          value: input.correction!.value,
        },
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
      fields: input.correction ? [input.correction.field] : [],
      outcome: 'allowed',
    });
    return { id, dueAt: dueAt.toISOString() };
  }

  /** The services a request waits for; a correction is checked here, before anything is written. */
  private servicesFor(input: RequestInput): AnsweringService[] {
    const answering = this.options.answeringServices ?? DEFAULT_ANSWERING_SERVICES;
    // A withdrawal lands in consent's ledger; every other service follows consent.withdrawn.v1 (R10).
    if (input.kind === 'withdraw_all') return ['consent'];
    if (input.kind !== 'correct') {
      if (input.correction)
        throw new DataSubjectRequestsError(
          DataSubjectRequestsErrorCode.INVALID_CORRECTION,
          `correction: only a "correct" request carries one, not "${input.kind}"`,
        );
      return answering;
    }
    const c = input.correction;
    if (!c)
      throw new DataSubjectRequestsError(
        DataSubjectRequestsErrorCode.INVALID_CORRECTION,
        'correction: a "correct" request names the field and its corrected value',
      );
    if (c.field === 'time_zone' && !isKnownTimeZone(c.value))
      throw new DataSubjectRequestsError(
        DataSubjectRequestsErrorCode.INVALID_CORRECTION,
        `correction.value: "${c.value}" is not a time zone this system knows (IANA name, e.g. Asia/Shanghai)`,
      );
    const holders = CORRECTION_HOLDERS[c.field].filter((s) => answering.includes(s));
    if (holders.length === 0)
      throw new DataSubjectRequestsError(
        DataSubjectRequestsErrorCode.NO_SERVICE_HOLDS_FIELD,
        `correction.field: no answering service of this deployment holds ${c.field}`,
      );
    return holders;
  }
}
