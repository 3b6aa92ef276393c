import type { MessageTransport } from '@siyu/messaging';

export interface BrandProfile {
  id: string;
  /** Brand name as shown on pages. */
  name: string;
  /** SMS signature without brackets, e.g. 悦肤 → 【悦肤】. */
  signature: string;
  contact: string;
}

export interface ConsentModuleOptions {
  adminDatabaseUrl: string;
  transport: MessageTransport;
  env: Record<string, string | undefined>;
  brand: BrandProfile;
  publicBaseUrl: string;
  /** Where the sandbox SMS channel shows what it "sent" (the console in standalone). */
  announce?: (line: string) => void;
  watermarkIntervalMs?: number;
}

export const CONSENT_OPTIONS = 'CONSENT_OPTIONS';
export const CONSENT_DB = 'CONSENT_DB';
