import { OrderPushError } from './order-pushes.errors';
import { mapPushMessage, splitPush } from './platform-pushes';

const trade = {
  tid: '4001',
  status: 'WAIT_SELLER_SEND_GOODS',
  payment: '12.30',
  created: '2026-11-20 10:00:00',
  receiver_name: '张三',
  receiver_mobile: '13912345678',
  receiver_address: '文三路100号',
  orders: [{ outer_sku_id: 'SKU-1', num: 1 }],
};

describe('platform push shapes', () => {
  it('maps a Tmall TMC message to the canonical order, receiver as sent', () => {
    const [message] = splitPush('tmall', { id: 77, topic: 't', content: JSON.stringify(trade) });
    expect(message.pushId).toBe('77');
    expect(mapPushMessage('tmall', message.body)).toMatchObject({
      platformOrderId: '4001',
      status: 'paid',
      amountCents: 1230,
      orderedAt: new Date('2026-11-20T02:00:00Z'),
      receiver: { name: '张三', phone: '13912345678', address: '文三路100号' },
      lines: [{ sku: 'SKU-1', quantity: 1 }],
    });
  });

  it('takes the shipping time when a push carries one (Tmall consign_time), for the parcel-card sheet', () => {
    const shipped = { ...trade, status: 'WAIT_BUYER_CONFIRM_GOODS', consign_time: '2026-11-21 23:30:00' };
    const [message] = splitPush('tmall', { id: 79, topic: 't', content: JSON.stringify(shipped) });
    expect(mapPushMessage('tmall', message.body)).toMatchObject({
      status: 'shipped',
      shippedAt: new Date('2026-11-21T15:30:00Z'),
    });
    const [unshipped] = splitPush('tmall', { id: 80, topic: 't', content: JSON.stringify(trade) });
    expect(mapPushMessage('tmall', unshipped.body).shippedAt).toBeNull();
  });

  it('names the bad field without quoting its value', () => {
    const bad = { ...trade, payment: '13912345678元元', status: '未知状态' };
    const refuse = () => splitPush('tmall', { id: 78, content: JSON.stringify(bad) });
    expect(refuse).toThrow(OrderPushError);
    expect(refuse).toThrow(/push\.content\.(status|payment)/);
    try {
      refuse();
    } catch (err) {
      expect((err as Error).message).not.toMatch(/13912345678|未知状态/);
    }
  });

  it('takes a multi-item Douyin push’s amount from the order (pay_amount), not from one of its items', () => {
    const order = {
      p_id: '6920000000000000001',
      order_status: 2,
      pay_amount: 79800,
      create_time: 1763950000,
      sku_order_list: [
        { out_sku_id: 'SKU-A', item_num: 1, pay_amount: 15606 },
        { out_sku_id: 'SKU-B', item_num: 1, pay_amount: 26631 },
        { out_sku_id: 'SKU-C', item_num: 2, pay_amount: 37563 },
      ],
    };
    const [message] = splitPush('douyin', [{ tag: '101', msg_id: 'm-1', data: JSON.stringify(order) }]);
    expect(mapPushMessage('douyin', message.body)).toMatchObject({
      amountCents: 79800,
      lines: [
        { sku: 'SKU-A', quantity: 1 },
        { sku: 'SKU-B', quantity: 1 },
        { sku: 'SKU-C', quantity: 2 },
      ],
    });
  });

  it('refuses a Douyin batch that repeats a message id', () => {
    const m = { tag: '101', msg_id: 'a', data: '{}' };
    expect(() => splitPush('douyin', [m, m])).toThrow(/message id|p_id/);
  });
});

describe('push envelopes', () => {
  it('refuses a body that is not the platform’s envelope with the pushes’ own error, naming where', () => {
    expect(() => splitPush('tmall', [{ id: 1 }])).toThrow(OrderPushError);
    expect(() => splitPush('tmall', [{ id: 1 }])).toThrow(/^push is not a JSON object$/);
    expect(() => splitPush('kuaishou', { msgId: 'm-1' })).toThrow(OrderPushError);
    expect(() => splitPush('kuaishou', { msgId: 'm-1' })).toThrow(/list of 1–100 messages/);
  });

  it('refuses a Youzan message that is not URL-encoded as a bad body', () => {
    const refuse = () => splitPush('youzan', { msg_id: 'y-1', msg: '%E4%zz' });
    expect(refuse).toThrow(OrderPushError);
    expect(refuse).toThrow(/push\.msg is not URL-encoded/);
  });
});
