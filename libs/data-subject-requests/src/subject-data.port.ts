import type { EntityManager } from 'typeorm';
import type {
  AnsweringService,
  HeldDataLine,
  PrivacyAccessRequestedV1,
  PrivacyCorrectionRequestedV1,
  PrivacyErasureRequestedV1,
} from '@siyu/contracts';

/** The request kinds a service answers itself (withdraw-all is consent's alone, in rights-requests). */
export type AnsweredKind = 'access' | 'erasure' | 'correct';

/**
 * What one service holds on a subject and what it does about a request (R14): the only part of a
 * data-subject answer each service writes. Everything else — the brand check, the audit row, the
 * answer event through the outbox in the effect's transaction, the idempotent consumer — is
 * `answerSubjectRequest` and `subjectRequestsConsumerProvider`, the same for every service.
 */
export interface SubjectDataPort {
  readonly service: AnsweringService;
  /** The brand whose requests this deployment answers; `null` answers every brand's (identity: staff). */
  readonly brandId: string | null;
  /**
   * The fields the answer's audit row names (R16: a touch of personal data leaves a trace), or no
   * audit row when absent (a service whose answer reads no sealed data and audits none).
   */
  auditedFields?(kind: AnsweredKind, lines: HeldDataLine[]): string[];
  /** What this service holds on the subject. */
  access(tx: EntityManager, request: PrivacyAccessRequestedV1): Promise<HeldDataLine[]>;
  /** Erase or minimise; the lines say what was deleted, and what is kept, why and until when. */
  erase(tx: EntityManager, request: PrivacyErasureRequestedV1): Promise<HeldDataLine[]>;
  /** Correct what this service holds, where it holds something correctable. */
  correct?(tx: EntityManager, request: PrivacyCorrectionRequestedV1): Promise<HeldDataLine[]>;
}
