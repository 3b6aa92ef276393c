import type { AnsweringService } from '@siyu/contracts';
import type { MessageTransport } from '@siyu/messaging';

export interface PrivacyModuleOptions {
  /** A role that may create roles and schemas; used only to provision privacy's own role. */
  adminDatabaseUrl: string;
  transport: MessageTransport;
  brandId: string;
  /** The brand's name as the public request page shows it. */
  brandName?: string;
  /** Working days a request has before it is overdue (R14; PIPL practice: 15). */
  deadlineWorkingDays?: number;
  /**
   * Services a request waits for. Defaults to the services that answer today (ADR-less decision in
   * docs/privacy/data-subject-requests.md): a service listed here but silent is escalated.
   */
  answeringServices?: AnsweringService[];
  /** How often the silent-service check runs; 0 or unset = off (tests call it directly). */
  reminderIntervalMs?: number;
  /** How often the distinct-individuals count runs (R19); 0 or unset = off (on demand only). */
  individualsCountIntervalMs?: number;
  /**
   * Requests per minute and client address on the public request pages (/rights), counted in privacy's
   * database so every process shares it; default 60. The address is keyed with PRIVACY_BLIND_INDEX_KEY.
   */
  publicPageRateLimitPerMinute?: number;
  /**
   * Base URL of each service's audit verifier (R20), when services run apart. Unset: this process's
   * own port (the standalone app serves every service there).
   */
  auditVerifyBaseUrls?: Partial<Record<'consent' | 'orders' | 'audience' | 'outreach' | 'privacy', string>>;
  /**
   * PRIVACY_AUDIT_ANCHOR_SIGNING_KEYS, AUDIT_ANCHOR_INTERVAL_MS, AUDIT_CHAIN_VERIFY_INTERVAL_MS (R20),
   * PRIVACY_BLIND_INDEX_KEY (rate-limit keys of /rights), PRIVACY_AUDITOR_API_KEY, PRIVACY_IDENTITY_URL, PIPIA_RETENTION_INTERVAL_MS (R18),
   * PRIVACY_PROCESSOR_DELETION_DAYS (R15).
   */
  env?: Record<string, string | undefined>;
  /** Where reminders and escalations are announced (the console in standalone). */
  announce?: (line: string) => void;
}

export const DEFAULT_DEADLINE_WORKING_DAYS = 15;
export const DEFAULT_ANSWERING_SERVICES: AnsweringService[] = [
  'consent',
  'orders',
  'audience',
  'outreach',
  'identity',
];

// Kept apart from privacy.module.ts so use cases can inject them without an import cycle.
export const PRIVACY_OPTIONS = 'PRIVACY_OPTIONS';
export const PRIVACY_DB = 'PRIVACY_DB';
