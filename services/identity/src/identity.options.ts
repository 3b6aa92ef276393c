import type { AuthKeys } from '@siyu/auth';
import type { MessageTransport } from '@siyu/messaging';

export interface IdentityModuleOptions {
  /** A role that may create roles and schemas; used only to provision identity's own role. */
  adminDatabaseUrl: string;
  /** Identity is the only service that holds `privateKey`: it signs every access token. */
  authKeys: AuthKeys;
  /** Prints the first-run admin password (the console in main.ts and standalone). */
  announce?: (line: string) => void;
  /** Set, identity answers data-subject requests (R14) over it; unset, it has no messaging at all. */
  transport?: MessageTransport;
  /**
   * `npm start` only: an auditor API key (from the standalone's secrets file) to register on first
   * start, so scheduled audit-chain verification (R20) runs by default. Never set in production.
   */
  provisionAuditorApiKey?: string;
}

// Kept apart from identity.module.ts so use cases can inject them without an import cycle.
export const IDENTITY_OPTIONS = 'IDENTITY_OPTIONS';
export const IDENTITY_DB = 'IDENTITY_DB';
