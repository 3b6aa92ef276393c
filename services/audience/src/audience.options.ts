import type { MessageTransport } from '@siyu/messaging';

export interface AudienceModuleOptions {
  adminDatabaseUrl: string;
  transport: MessageTransport;
  brandId: string;
}

export const AUDIENCE_OPTIONS = 'AUDIENCE_OPTIONS';
export const AUDIENCE_DB = 'AUDIENCE_DB';
