import type { MappedOrder, OrderLine } from '../../order-book/order';
import { badPush, PushFields } from './push-fields';

/**
 * One message of a push, as stored: its platform message id (idempotence key) and its own JSON.
 * Douyin and Kuaishou batch several messages in one call; each is stored and processed on its own.
 */
export interface PushMessage {
  pushId: string;
  body: string;
}

/**
 * Everything platform-specific about one push shape (docs/ops/order-pushes.md), kept in the
 * platform's folder beside its export layout. Verifying, storing, sealing and ingesting are shared
 * (services/orders/src/order-pushes/).
 */
export interface PlatformPush {
  /** The call's messages; refuses a body that is not the platform's envelope. */
  split(body: unknown): PushMessage[];
  /** One stored message to the canonical order the importer stores (R1: receiver kept as sent). */
  map(message: PushFields): MappedOrder;
}

/** A push that carries one message, identified by `idOf`. */
export const singleMessage =
  (idOf: (push: PushFields) => string) =>
  (body: unknown): PushMessage[] => {
    const push = PushFields.of(body, 'push');
    return [{ pushId: idOf(push), body: JSON.stringify(body) }];
  };

/** A push that is a list of 1–100 messages, each identified by `idOf`, none repeated. */
export const messageBatch =
  (idOf: (message: PushFields) => string) =>
  (body: unknown): PushMessage[] => {
    if (!Array.isArray(body) || body.length === 0 || body.length > 100)
      throw badPush('push is not a list of 1–100 messages');
    const messages = body.map((m, i) => ({
      pushId: idOf(PushFields.of(m, `push[${i}]`)),
      body: JSON.stringify(m),
    }));
    if (new Set(messages.map((m) => m.pushId)).size !== messages.length)
      throw badPush('push repeats a message id');
    return messages;
  };

/** Order lines from a push's item list: the SKU and quantity keys differ per platform. */
export function pushLines(items: PushFields[], skuKey: string, quantityKey: string): OrderLine[] {
  return items.map((item) => ({ sku: item.text(skuKey), quantity: item.integer(quantityKey) }));
}
