import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import type { DataSubjectRequestKind } from '@siyu/contracts';
import { LogRequest } from '../data-subject-requests/log-request.use-case';
import { PRIVACY_DB } from '../privacy.options';
import { CustomerRequestsError, CustomerRequestsErrorCode } from './customer-requests.errors';
import { RequesterChallengeRepository } from './requester-challenge.repository';
import { requesterCodeHash } from './start-customer-request.use-case';

export const MAX_CODE_ATTEMPTS = 5;

/** The status link's token is stored as this hash only. */
export function statusTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The requester types the code back: the request is logged and fanned out in the same transaction
 * that consumes the challenge, and the customer gets an unguessable status link. A phone consent
 * knows nothing about gets a request about a fresh subject ref, which every service answers with
 * "nothing held" — the same flow, pages and timing as a member's (docs/privacy/data-subject-requests.md).
 */
@Injectable()
export class ConfirmRequesterCode {
  constructor(
    @Inject(PRIVACY_DB) private readonly ds: DataSource,
    private readonly challenges: RequesterChallengeRepository,
    private readonly logRequest: LogRequest,
  ) {}

  async execute(challengeId: unknown, code: unknown, now = new Date()) {
    if (typeof challengeId !== 'string' || !/^[0-9a-f-]{36}$/.test(challengeId))
      throw new CustomerRequestsError(CustomerRequestsErrorCode.CHALLENGE_UNKNOWN, 'no such challenge');
    const outcome = await this.ds.transaction(async (tx) => {
      const c = await this.challenges.lock(tx, challengeId);
      if (!c || new Date(c.expiresAt).getTime() <= now.getTime())
        return { error: CustomerRequestsErrorCode.CHALLENGE_UNKNOWN } as const;
      if (c.attempts >= MAX_CODE_ATTEMPTS)
        return { error: CustomerRequestsErrorCode.TOO_MANY_ATTEMPTS } as const;
      const typed = typeof code === 'string' ? code.trim() : '';
      const expected = Buffer.from(c.codeHash, 'hex');
      const given = Buffer.from(requesterCodeHash(c.id, typed), 'hex');
      if (!/^\d{6}$/.test(typed) || !timingSafeEqual(expected, given)) {
        await this.challenges.recordAttempt(tx, c.id);
        return {
          error:
            c.attempts + 1 >= MAX_CODE_ATTEMPTS
              ? CustomerRequestsErrorCode.TOO_MANY_ATTEMPTS
              : CustomerRequestsErrorCode.CODE_WRONG,
        } as const;
      }
      if (!c.resolvedAt) return { error: CustomerRequestsErrorCode.STILL_CHECKING } as const;
      const token = randomBytes(24).toString('base64url');
      const logged = await this.logRequest.logIn(
        tx,
        'customer:public-page',
        {
          subjectRef: c.subjectRef ?? randomUUID(),
          kind: c.kind as DataSubjectRequestKind,
          ...(c.kind === 'correct' && c.correctionValue
            ? { correction: { field: 'time_zone' as const, value: c.correctionValue } }
            : {}),
        },
        'public_page',
        now,
        statusTokenHash(token),
      );
      await this.challenges.delete(tx, c.id);
      await appendAudit(tx, {
        actor: 'customer:public-page',
        action: 'data-subject-request.requester-verified',
        purpose: 'data_subject_rights',
        subject: logged.id,
        fields: [],
        outcome: 'allowed',
      });
      return { token, requestId: logged.id, locale: c.locale, error: undefined };
    });
    if ('error' in outcome && outcome.error)
      throw new CustomerRequestsError(outcome.error, outcome.error.toLowerCase().replace(/_/g, ' '));
    return outcome;
  }
}
