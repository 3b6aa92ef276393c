import { randomUUID } from 'node:crypto';
import type { OrdersIngestedV1, Platform } from '@siyu/contracts';
import type { MappedOrder } from '../order-book/order';
import { newOrderValues } from '../order-book/order-columns';
import type { OrderRecord } from '../order-book/order.repository';
import { lookupRowValues, type LookupDigest } from '../vault/receiver-lookup-index';
import { sealBuyerId, sealReceiver } from '../vault/seal-receiver';

/** An order the chunk writes: new (`known` false, COPY'd) or changed (rewritten), with its digests. */
export interface ChunkWrite {
  orderRef: string;
  known: boolean;
  order: MappedOrder;
  fingerprint: string;
  pseudonym: string;
  lookup: LookupDigest[];
  row: number | null;
}

/**
 * Everything a chunk's rows need once its transaction has decided what to write: which orders, and
 * the data key of each of their buyers (unwrapped under the KEK on the importing thread; the key
 * ring itself never leaves it). Built there, sealed here or on a worker thread.
 */
export interface SealChunkTask {
  importId: string | null;
  platform: Platform;
  shopId: string;
  /** The transaction's time (ISO), from `lockShop`. */
  now: string;
  /** The `orders.ingested.v1` topic (the worker does not load the contracts). */
  topic: string;
  /** The buyers' data keys: 32 bytes each in `keyBytes`, in `keyPseudonyms` order (one buffer, cloned once). */
  keyPseudonyms: string[];
  keyBytes: Uint8Array;
  /** In chunk order: events and rows keep it. */
  writes: ChunkWrite[];
}

/**
 * A chunk as the database takes it: COPY text for the new orders, their lookup rows and every
 * event; the changed orders sealed (they go through the set-based rewrite). Nothing in it is
 * plaintext personal data: receivers and buyer ids are sealed, lookups are keyed digests (R16).
 */
export interface SealedChunk {
  newOrders: string;
  newOrderCount: number;
  newLookupRows: string;
  changed: OrderRecord[];
  outbox: string;
  eventCount: number;
  /** The first event, checked against its contract by the importing thread. */
  firstEvent: OrdersIngestedV1 | null;
}

const DATA_KEY_BYTES = 32;

/** The data keys of a chunk's buyers in `SealChunkTask` form. */
export function packDataKeys(keys: Map<string, Buffer>): Pick<SealChunkTask, 'keyPseudonyms' | 'keyBytes'> {
  const keyPseudonyms = [...keys.keys()];
  const keyBytes = new Uint8Array(keyPseudonyms.length * DATA_KEY_BYTES);
  keyPseudonyms.forEach((p, i) => keyBytes.set(keys.get(p)!, i * DATA_KEY_BYTES));
  return { keyPseudonyms, keyBytes };
}

/**
 * Seals a chunk's orders (AES-256-GCM, AAD = order ref: R16) and builds its COPY text. CPU only, no
 * database: an import runs it on a worker thread, inside the chunk's transaction, so the importing
 * thread only pipes the text to PostgreSQL. Pushes run it in-thread.
 */
export function sealChunk(task: SealChunkTask): SealedChunk {
  if (task.keyBytes.byteLength !== task.keyPseudonyms.length * DATA_KEY_BYTES)
    throw new Error("a chunk's data keys are not 32 bytes each");
  const out: SealedChunk = {
    newOrders: '',
    newOrderCount: 0,
    newLookupRows: '',
    changed: [],
    outbox: '',
    eventCount: 0,
    firstEvent: null,
  };
  const occurredAt = new Date().toISOString();
  const keys = new Map<string, Buffer>();
  const bytes = Buffer.from(task.keyBytes.buffer, task.keyBytes.byteOffset, task.keyBytes.byteLength);
  task.keyPseudonyms.forEach((pseudonym, i) =>
    keys.set(pseudonym, bytes.subarray(i * DATA_KEY_BYTES, (i + 1) * DATA_KEY_BYTES)),
  );
  // COPY text as values and separators, joined once per table (see `appendCopyLine`).
  const newOrders: string[] = [];
  const lookupRows: string[] = [];
  const events: string[] = [];
  for (const w of task.writes) {
    const dataKey = keys.get(w.pseudonym);
    if (!dataKey) throw new Error('a chunk write has no data key for its buyer');
    const record = sealedRecord(task, w, dataKey);
    if (w.known) out.changed.push(record);
    else {
      appendCopyLine(newOrders, newOrderValues(record, task.now));
      out.newOrderCount++;
      appendCopyLine(
        lookupRows,
        lookupRowValues({
          orderRef: w.orderRef,
          digests: w.lookup,
          receiverSealed: record.receiverSealed,
          buyerIdSealed: record.buyerIdSealed,
        }),
      );
    }
    // Non-identifying facts only: no receiver, no buyer id or pseudonym, no platform order id (R16).
    const event: OrdersIngestedV1 = {
      eventId: randomUUID(),
      occurredAt,
      schemaVersion: 1,
      type: 'orders.ingested.v1',
      orderRef: w.orderRef,
      platform: task.platform,
      shopId: task.shopId,
      status: w.order.status,
      amountCents: w.order.amountCents,
      orderedAt: w.order.orderedAt.toISOString(),
      lines: w.order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    } as OrdersIngestedV1;
    out.firstEvent ??= event;
    appendCopyLine(events, [event.eventId, task.topic, w.orderRef, JSON.stringify(event)]);
    out.eventCount++;
  }
  out.newOrders = newOrders.join('');
  out.newLookupRows = lookupRows.join('');
  out.outbox = events.join('');
  return out;
}

function sealedRecord(task: SealChunkTask, w: ChunkWrite, dataKey: Buffer): OrderRecord {
  const { order, orderRef } = w;
  return {
    orderRef,
    platform: task.platform,
    shopId: task.shopId,
    platformOrderId: order.platformOrderId,
    status: order.status,
    amountCents: order.amountCents,
    orderedAt: order.orderedAt,
    paidAt: order.paidAt,
    shippedAt: order.shippedAt ?? null,
    logisticsCompany: order.logisticsCompany,
    trackingNumber: order.trackingNumber,
    lines: order.lines,
    buyerPseudonym: w.pseudonym,
    // R1: kept sealed even when the platform masked it.
    buyerIdSealed: order.buyerId ? sealBuyerId(dataKey, orderRef, order.buyerId) : null,
    receiverSealed: sealReceiver(dataKey, orderRef, order.receiver),
    contentFingerprint: w.fingerprint,
    lastImportId: task.importId,
    lastImportRow: w.row,
    sourceModifiedAt: order.sourceModifiedAt ?? null,
  };
}

// COPY's text format, as `copyLine` in libs/persistence writes it (a spec holds the two equal); kept
// here so the worker thread does not load the persistence library (TypeORM, pg) for ten lines.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyTextLine(values: readonly (string | number | null)[]): string {
  const parts: string[] = [];
  appendCopyLine(parts, values);
  return parts.join('');
}

/**
 * Appends one COPY line to `parts` as its values and separators, for one `join('')` per chunk: a
 * string per line (or a chain of small strings per value, as before) was the largest allocation of
 * a million-row import, and each stayed alive until its chunk was written (bench/import `--alloc-profile`).
 */
function appendCopyLine(parts: string[], values: readonly (string | number | null)[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts.push(
      v === null
        ? '\\N'
        : typeof v !== 'string'
          ? String(v)
          : NEEDS_ESCAPE.test(v)
            ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPED[c])
            : v,
      i === values.length - 1 ? '\n' : '\t',
    );
  }
}
