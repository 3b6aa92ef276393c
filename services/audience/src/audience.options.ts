import type { MessageTransport } from '@siyu/messaging';

export interface AudienceModuleOptions {
  adminDatabaseUrl: string;
  transport: MessageTransport;
  brandId: string;
  /** How often dirty members' features and tags are recomputed (ms; default 1000, 0 = off). */
  refreshEveryMs?: number;
}

export const AUDIENCE_OPTIONS = 'AUDIENCE_OPTIONS';
export const AUDIENCE_DB = 'AUDIENCE_DB';
