import type { MessageTransport } from '@siyu/messaging';

export interface OrdersModuleOptions {
  /** A role that may create roles and schemas; used only to provision the orders role and schema. */
  adminDatabaseUrl: string;
  transport: MessageTransport;
  /** Secrets: FULFILMENT_KEK, FULFILMENT_BLIND_INDEX_KEY, INVITE_TOKEN_KEYS (R16: orders holds them). */
  env: Record<string, string | undefined>;
  /** e.g. http://127.0.0.1:3000 — QR URLs are `${publicBaseUrl}/q/${token}`. */
  publicBaseUrl: string;
  /** One brand per deployment in the skeleton. */
  brandId: string;
}

export const ORDERS_OPTIONS = 'ORDERS_OPTIONS';
export const ORDERS_DB = 'ORDERS_DB';
