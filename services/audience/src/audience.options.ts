import type { MessageTransport } from '@siyu/messaging';

export interface AudienceModuleOptions {
  adminDatabaseUrl: string;
  transport: MessageTransport;
  brandId: string;
  /** How often dirty members' features and tags are recomputed (ms; default 1000, 0 = off). */
  refreshEveryMs?: number;
  /** How often materialised segments refresh from the member change log (ms; default 60000, 0 = off). */
  segmentRefreshEveryMs?: number;
  /** A refresh evaluates a segment whole when its last whole evaluation is older (ms; default 1 h). */
  segmentFullRefreshEveryMs?: number;
  /**
   * From this many changed members on, an incremental refresh evaluates them with the rule's set
   * form over their own rows (each leaf's set built once from them) instead of its row form
   * (probes per member); default 1000.
   */
  segmentSetFormFrom?: number;
  /**
   * Tag refresh batches computed at once, each in its own transaction on its own connection
   * (default 2: PostgreSQL does most of a refresh's work, one core per batch).
   */
  refreshWorkers?: number;
  /**
   * Segments an automatic refresh evaluates at once, each in its own transaction on its own
   * connection, while one transaction holds the brand's evaluation lock for all of them (default 2).
   */
  segmentRefreshWorkers?: number;
  /**
   * UNSUBSCRIBE_TOKEN_KEYS, to verify the preference centre's signed page token itself (R12's
   * "what the brand holds about me"); without it that page answers 404.
   */
  preferenceTokenKeys?: string;
  /** AUDIENCE_AUDIT_ANCHOR_SIGNING_KEYS and AUDIT_ANCHOR_INTERVAL_MS (R20); without them no anchors. */
  env?: Record<string, string | undefined>;
}

export const AUDIENCE_OPTIONS = 'AUDIENCE_OPTIONS';
export const AUDIENCE_DB = 'AUDIENCE_DB';
