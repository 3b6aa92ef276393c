import { canonicalJson } from '@siyu/crypto';
import { contentJson, isOlderThanStored } from './ingest-order-chunk';
import type { MappedOrder } from '../order-book/order';

const order: MappedOrder = {
  platformOrderId: '3901234567890123451',
  status: 'shipped',
  amountCents: 25600,
  orderedAt: new Date('2026-11-01T02:00:00Z'),
  paidAt: null,
  logisticsCompany: '顺丰速运',
  trackingNumber: 'SF1',
  lines: [{ sku: 'SKU-1', quantity: 2 }],
  receiver: { name: '张**', phone: '138****5678', address: '浙江省 ****' },
  buyerId: null,
};
const stored = (status: MappedOrder['status'], sourceModifiedAt: Date | null = null) => ({
  orderRef: '00000000-0000-4000-8000-000000000000',
  contentFingerprint: 'x',
  status,
  sourceModifiedAt,
  lastImportId: null,
  lastImportRow: null,
});

describe('ingest of one chunk', () => {
  it('fingerprints the same text as canonicalJson, so stored fingerprints stay comparable', () => {
    expect(contentJson(order)).toBe(canonicalJson(order));
    expect(contentJson({ ...order, sourceModifiedAt: new Date() })).toBe(canonicalJson(order));
  });

  it('treats an update that moves the order back in its life as older, when no modification time says otherwise', () => {
    expect(isOlderThanStored({ ...order, status: 'paid' }, stored('shipped'))).toBe(true);
    expect(isOlderThanStored({ ...order, status: 'shipped' }, stored('closed'))).toBe(true);
    expect(isOlderThanStored({ ...order, status: 'shipped' }, stored('shipped'))).toBe(false);
    expect(isOlderThanStored({ ...order, status: 'closed' }, stored('completed'))).toBe(false);
  });

  it('lets the platform modification time decide when both sides have one', () => {
    const t = new Date('2026-11-02T00:00:00Z');
    const earlier = new Date('2026-11-01T00:00:00Z');
    expect(
      isOlderThanStored({ ...order, status: 'completed', sourceModifiedAt: earlier }, stored('paid', t)),
    ).toBe(true);
    expect(
      isOlderThanStored({ ...order, status: 'paid', sourceModifiedAt: t }, stored('shipped', earlier)),
    ).toBe(false);
  });
});
