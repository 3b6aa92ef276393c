import { createHash } from 'node:crypto';
import type { BlindIndex } from '@siyu/crypto';
import type { Receiver } from './seal-receiver';

/** What after-sales staff can search by without any plaintext search (R16). */
export const LOOKUP_KINDS = ['phone-full', 'phone-last4', 'buyer-id'] as const;
export type LookupKind = (typeof LOOKUP_KINDS)[number];

export interface LookupDigest {
  kind: LookupKind;
  digest: string;
}

// Each kind its own blind-index domain, so a last-four digest never matches a full-number one.
const DOMAIN: Record<LookupKind, string> = {
  'phone-full': 'fulfilment:phone-full',
  'phone-last4': 'fulfilment:phone-last4',
  'buyer-id': 'fulfilment:buyer-id',
};

const MOBILE = /^1[3-9]\d{9}$/;
// Virtual numbers with an extension (`18877771111-123`, `…转123`): their digits are not the customer's.
const EXTENSION = /(?:转|分机|ext|#|,)|^(?:\+?86)?1\d{10}-\d{1,6}$/i;

/** A full mainland mobile as searched and indexed (`+86 139-1234-5678` → `13912345678`), else null. */
export function fullMobileNumber(phone: string): string | null {
  const value = phone.trim();
  if (EXTENSION.test(value.replace(/\s/g, ''))) return null;
  const compact = value.replace(/[\s-]/g, '').replace(/^(?:\+|00)?86(?=1[3-9]\d{9}$)/, '');
  return MOBILE.test(compact) ? compact : null;
}

/** The last four digits of a full or masked number (`138****5678`, `*******5552`, a landline). */
export function lastFourDigits(phone: string): string | null {
  const value = phone.trim();
  if (EXTENSION.test(value.replace(/\s/g, ''))) return null;
  const compact = value.replace(/[\s-]/g, '');
  return /^\+?[\d*]{7,15}$/.test(compact) && /\d{4}$/.test(compact) ? compact.slice(-4) : null;
}

export function lookupDigest(blindIndex: BlindIndex, kind: LookupKind, value: string): string {
  return blindIndex.compute(DOMAIN[kind], value);
}

/**
 * The index rows of one order, computed from its plaintext receiver and buyer id at ingest (or by
 * the backfill). Platform ciphertexts and masked buyer ids are not searchable and get no row.
 */
export function receiverIndexes(
  blindIndex: BlindIndex,
  receiver: Receiver,
  buyerId: string | null,
): LookupDigest[] {
  const rows: LookupDigest[] = [];
  const full = fullMobileNumber(receiver.phone);
  if (full) rows.push({ kind: 'phone-full', digest: lookupDigest(blindIndex, 'phone-full', full) });
  const last4 = lastFourDigits(receiver.phone);
  if (last4) rows.push({ kind: 'phone-last4', digest: lookupDigest(blindIndex, 'phone-last4', last4) });
  const buyer = buyerId?.trim();
  if (buyer && !buyer.includes('*') && !/^#.*#$/.test(buyer)) {
    rows.push({ kind: 'buyer-id', digest: lookupDigest(blindIndex, 'buyer-id', buyer) });
  }
  return rows;
}

/** The columns of a new order's lookup row as COPY writes it (`lookupRowValues` order). */
export const LOOKUP_COPY_COLUMNS = ['order_ref', 'phone_full', 'phone_last4', 'buyer_id', 'source_digest'];

/**
 * A new order's lookup row as COPY stores it: digests as `bytea` hex, and the digest of the sealed
 * values they follow from, computed exactly as the repository's `md5(receiver_sealed ||
 * coalesce(buyer_id_sealed, ''))` (so the backfill sees the row as current).
 */
export function lookupRowValues(entry: {
  orderRef: string;
  digests: LookupDigest[];
  receiverSealed: string;
  buyerIdSealed: string | null;
}): (string | null)[] {
  const bytea = (kind: LookupKind) => {
    const digest = entry.digests.find((d) => d.kind === kind)?.digest;
    return digest ? `\\x${digest}` : null;
  };
  return [
    entry.orderRef,
    bytea('phone-full'),
    bytea('phone-last4'),
    bytea('buyer-id'),
    createHash('md5')
      .update(entry.receiverSealed + (entry.buyerIdSealed ?? ''), 'utf8')
      .digest('hex'),
  ];
}
