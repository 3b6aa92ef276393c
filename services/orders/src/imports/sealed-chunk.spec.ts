import { createHash } from 'node:crypto';
import { generateDataKey, generateSecretsEnv } from '@siyu/crypto';
import { copyLine } from '@siyu/persistence';
import type { MappedOrder } from '../order-book/order';
import { openBuyerId, openReceiver } from '../vault/seal-receiver';
import { ImportWorkerPool } from './import-worker-pool';
import { copyTextLine, packDataKeys, sealChunk, type ChunkWrite, type SealChunkTask } from './sealed-chunk';

const order = (n: number, extra: Partial<MappedOrder> = {}): MappedOrder => ({
  platformOrderId: `39012345678901234${n}`,
  status: 'shipped',
  amountCents: 25600 + n,
  orderedAt: new Date('2026-11-01T02:00:00Z'),
  paidAt: null,
  logisticsCompany: '顺丰速运',
  trackingNumber: `SF${n}`,
  lines: [{ sku: `SKU-${n}\tx`, quantity: 2 }],
  receiver: { name: `张三${n}`, phone: `1391234567${n}`, address: `浙江省 杭州市 文三路${n}号` },
  buyerId: `buyer-${n}`,
  ...extra,
});

const refs = ['0b3e7f5e-0000-4000-8000-00000000000a', '0b3e7f5e-0000-4000-8000-00000000000b'];
const refC = '0b3e7f5e-0000-4000-8000-00000000000c';
const write = (orderRef: string, n: number, known: boolean, pseudonym: string): ChunkWrite => ({
  orderRef,
  known,
  order: order(n),
  fingerprint: `fp${n}`,
  pseudonym,
  lookup: [{ kind: 'phone-full', digest: 'ab'.repeat(32) }],
  row: n + 1,
});

function task(keys: Map<string, Buffer>): SealChunkTask {
  return {
    importId: '0b3e7f5e-0000-4000-8000-0000000000ff',
    platform: 'tmall',
    shopId: 'shop-1',
    now: '2026-12-07T03:00:00.000Z',
    topic: 'orders.ingested.v1',
    ...packDataKeys(keys),
    writes: [
      write(refs[0], 1, false, 'p'.repeat(64)),
      write(refC, 2, true, 'q'.repeat(64)),
      write(refs[1], 3, false, 'q'.repeat(64)),
    ],
  };
}

const fields = (line: string) => line.split('\t');
const UNESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };
const fromCopyText = (value: string) => value.replace(/\\(.)/g, (_, c: string) => UNESCAPED[c]);

describe('sealing a chunk and building its COPY text', () => {
  const keys = new Map([
    ['p'.repeat(64), generateDataKey()],
    ['q'.repeat(64), generateDataKey()],
  ]);

  it('writes COPY text exactly as the persistence library does (escapes, nulls, numbers)', () => {
    const values = ['a\tb', 'line\nbreak\r', 'back\\slash', null, 42, '张三 ****', ''];
    expect(copyTextLine(values)).toBe(copyLine(values));
  });

  it('seals new orders into COPY lines in chunk order, each receiver and buyer id opening only with its buyer key and order ref', () => {
    const sealed = sealChunk(task(keys));
    const lines = sealed.newOrders.trimEnd().split('\n');
    expect(sealed.newOrderCount).toBe(2);
    expect(lines.map((l) => fields(l)[0])).toEqual(refs);
    const [first] = lines.map(fields);
    // order_ref … buyer_id_sealed (13), receiver_sealed (14): see ORDER_COLUMNS.
    expect(openReceiver(keys.get('p'.repeat(64))!, refs[0], first[14])).toEqual(order(1).receiver);
    expect(openBuyerId(keys.get('p'.repeat(64))!, refs[0], first[13])).toBe('buyer-1');
    expect(() => openReceiver(keys.get('p'.repeat(64))!, refs[1], first[14])).toThrow();
    // Shipped without 发货时间: dated by the transaction's time.
    expect(first[8]).toBe('2026-12-07T03:00:00.000Z');
    // A tab in a SKU is escaped, not a column break.
    expect(first).toHaveLength(19);
  });

  it('gives each new order a lookup row whose source digest follows its sealed values, and returns changed orders sealed for the rewrite', () => {
    const sealed = sealChunk(task(keys));
    const orderLines = sealed.newOrders.trimEnd().split('\n').map(fields);
    const lookup = sealed.newLookupRows.trimEnd().split('\n').map(fields);
    expect(lookup.map((l) => l[0])).toEqual(refs);
    expect(lookup[0][1]).toBe(`\\\\x${'ab'.repeat(32)}`);
    expect(lookup[0][2]).toBe('\\N');
    const md5 = createHash('md5')
      .update(orderLines[0][14] + orderLines[0][13])
      .digest('hex');
    expect(lookup[0][4]).toBe(md5);
    expect(sealed.changed.map((c) => c.orderRef)).toEqual([refC]);
    expect(openReceiver(keys.get('q'.repeat(64))!, refC, sealed.changed[0].receiverSealed)).toEqual(
      order(2).receiver,
    );
  });

  it('writes one orders.ingested.v1 per written order, in chunk order, with no receiver, buyer id, pseudonym or order number in any event (R16)', () => {
    const sealed = sealChunk(task(keys));
    const events = sealed.outbox.trimEnd().split('\n').map(fields);
    expect(sealed.eventCount).toBe(3);
    expect(events.map((e) => e[2])).toEqual([refs[0], refC, refs[1]]);
    expect(events.every((e) => e[1] === 'orders.ingested.v1')).toBe(true);
    for (const n of [1, 2, 3]) {
      for (const secret of [`张三${n}`, `1391234567${n}`, `buyer-${n}`, `39012345678901234${n}`])
        expect(sealed.outbox).not.toContain(secret);
    }
    expect(sealed.outbox).not.toContain('p'.repeat(64));
    expect(sealed.firstEvent).toMatchObject({
      type: 'orders.ingested.v1',
      orderRef: refs[0],
      shopId: 'shop-1',
    });
    expect(JSON.parse(fromCopyText(events[0][3]))).toEqual(sealed.firstEvent);
    // No plaintext receiver in the orders or lookup text either.
    for (const text of [sealed.newOrders, sealed.newLookupRows]) {
      expect(text).not.toContain('张三1');
      expect(text).not.toContain('13912345671');
      expect(text).not.toContain('buyer-1');
    }
  });

  it('seals the same on a worker thread as on this one', async () => {
    const pool = new ImportWorkerPool(generateSecretsEnv().FULFILMENT_BLIND_INDEX_KEY!, 1);
    try {
      const onWorker = await pool.sealChunk(task(keys));
      const here = sealChunk(task(keys));
      expect(pool.sealedChunks).toBe(1);
      const shape = (text: string) =>
        text
          .trimEnd()
          .split('\n')
          .map((l) => fields(l).filter((_, i) => i !== 13 && i !== 14));
      expect(shape(onWorker.newOrders)).toEqual(shape(here.newOrders));
      const line = fields(onWorker.newOrders.split('\n')[1]);
      expect(openReceiver(keys.get('q'.repeat(64))!, refs[1], line[14])).toEqual(order(3).receiver);
      expect(onWorker.changed[0].orderedAt).toEqual(order(2).orderedAt);
    } finally {
      await pool.destroy();
    }
  }, 60_000);
});
