import { decodeClaimedBatch } from './outbox-relay';

/** What the claim's SQL packs for one row (lengths in UTF-8 bytes). */
const pack = (topic: string, key: string, payload: string, partition = -1) =>
  `${partition},${Buffer.byteLength(topic)},${Buffer.byteLength(key)},${Buffer.byteLength(payload)};${topic}${key}${payload}`;

describe('decodeClaimedBatch', () => {
  it('unpacks rows in order, with multi-byte text, an empty key and an explicit partition', () => {
    const packed = [
      pack('consent.withdrawn.v1', '会员-1', '{"note":"退订 🙅"}'),
      pack('consent.withdrawn.v1', '', '', 2),
      pack('orders.ingested.v1', 'k;1,2', '12,3;4'),
    ].join('');
    const messages = decodeClaimedBatch(packed, 3);
    expect(
      messages.map((m) => ({
        topic: m.topic,
        key: String(m.key),
        value: String(m.value),
        partition: m.partition,
      })),
    ).toEqual([
      { topic: 'consent.withdrawn.v1', key: '会员-1', value: '{"note":"退订 🙅"}', partition: undefined },
      { topic: 'consent.withdrawn.v1', key: '', value: '', partition: 2 },
      { topic: 'orders.ingested.v1', key: 'k;1,2', value: '12,3;4', partition: undefined },
    ]);
    expect(Buffer.isBuffer(messages[0].key) && Buffer.isBuffer(messages[0].value)).toBe(true);
  });

  it('refuses a batch whose row count or lengths do not add up, naming the row', () => {
    const row = pack('t', 'key', 'payload');
    expect(() => decodeClaimedBatch(row + row, 1)).toThrow('more than the 1 rows it claimed');
    expect(() => decodeClaimedBatch(row, 2)).toThrow('holds 1 rows, claimed 2');
    expect(() => decodeClaimedBatch(row.slice(0, -1), 1)).toThrow('row 1: runs past the batch');
    expect(() => decodeClaimedBatch(row + '-1,1,x;t', 2)).toThrow('row 2: malformed header');
    expect(() => decodeClaimedBatch('1,2,3', 1)).toThrow('row 1: malformed header');
    // Lengths counted in characters instead of bytes (a database not answering UTF-8) do not add up.
    expect(() => decodeClaimedBatch(`-1,1,2,2;t会员退订`, 1)).toThrow('outbox batch');
  });
});
