import type { MessageTransport } from '@siyu/messaging';

export interface OutreachModuleOptions {
  adminDatabaseUrl: string;
  transport: MessageTransport;
  env: Record<string, string | undefined>;
  brand: { id: string; signature: string };
  /** Where customer links point (the consent service's public pages). */
  publicBaseUrl: string;
  announce?: (line: string) => void;
  /** Invariant 4: dispatch only while the consent projection is at most this stale (default 1 s). */
  freshnessBoundMs?: number;
  /** How long a run waits for a stale projection to catch up before pausing (default 10 s). */
  freshnessWaitMs?: number;
}

export const OUTREACH_OPTIONS = 'OUTREACH_OPTIONS';
export const OUTREACH_DB = 'OUTREACH_DB';
