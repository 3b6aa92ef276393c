import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@siyu/testing';
import { openOrdersDataSource } from '../orders.database';
import { OrderPushRepository } from './order-push.repository';

/** Closing a queued push: what stays in the queue row (real PostgreSQL). */
describe('order push queue rows once processed', () => {
  let ds: DataSource;
  let pushes: OrderPushRepository;
  beforeAll(async () => {
    ds = await openOrdersDataSource(await createTestDatabase('pushrepo'));
    pushes = new OrderPushRepository(ds);
  });
  afterAll(() => ds?.destroy());

  const queue = (n: number) =>
    ds.transaction(async (tx) => {
      const ids = Array.from({ length: n }, () => randomUUID());
      await pushes.queueNewPushes(
        tx,
        ids.map((id, i) => ({
          id,
          platform: 'tmall',
          shopId: 'shop-repo',
          pushId: `msg-${id}-${i}`,
          bodySealed: 's1.sealed-body',
          bodyKey: 'v1.wrapped-key',
        })),
      );
      return ids;
    });
  const rowsOf = (ids: string[]) =>
    ds.query(
      `SELECT id::text, processed_at IS NOT NULL AS processed, body_sealed, body_key, error, attempts, unmasked_pii
         FROM order_pushes WHERE id = ANY ($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
      [ids],
    );

  it('a push given up keeps its error and PII report, not its body; pushes done together keep theirs each', async () => {
    const [givenUp, doneA, doneB] = await queue(3);
    await ds.transaction(async (tx) => {
      await pushes.markProcessed(tx, givenUp, 'BODY_INVALID: trade.tid: missing', {
        receiver_mobile: { kinds: ['mobile_phone'], count: 1 },
      });
      await pushes.markProcessedMany(tx, [
        { id: doneA, unmaskedPii: null },
        { id: doneB, unmaskedPii: { buyer_email: { kinds: ['email'], count: 1 } } },
      ]);
    });
    expect(await rowsOf([givenUp, doneA, doneB])).toEqual([
      {
        id: givenUp,
        processed: true,
        body_sealed: null,
        body_key: null,
        error: 'BODY_INVALID: trade.tid: missing',
        attempts: 1,
        unmasked_pii: { receiver_mobile: { kinds: ['mobile_phone'], count: 1 } },
      },
      {
        id: doneA,
        processed: true,
        body_sealed: null,
        body_key: null,
        error: null,
        attempts: 1,
        unmasked_pii: null,
      },
      {
        id: doneB,
        processed: true,
        body_sealed: null,
        body_key: null,
        error: null,
        attempts: 1,
        unmasked_pii: { buyer_email: { kinds: ['email'], count: 1 } },
      },
    ]);
  });

  it('a push that failed before and then succeeds loses the old error', async () => {
    const [push] = await queue(1);
    await ds.transaction((tx) => pushes.recordFailedAttempt(tx, push, 'QueryFailedError 40001', null));
    await ds.transaction((tx) => pushes.markProcessed(tx, push, null, null));
    expect(await rowsOf([push])).toEqual([
      {
        id: push,
        processed: true,
        body_sealed: null,
        body_key: null,
        error: null,
        attempts: 2,
        unmasked_pii: null,
      },
    ]);
  });
});
