import type { MappedOrder } from '../../../order-book/order';
import { TMALL_EXPORT } from './tmall.mapping';

const base: Record<string, string> = {
  订单编号: '3901234567890123451',
  订单状态: '交易成功',
  买家实际支付金额: '256.00',
  订单创建时间: '2026-11-01 10:00:00',
  订单付款时间: '2026-11-01 10:01:30',
  物流公司: '顺丰速运',
  物流单号: 'No:SF1234567890123',
  商家编码: 'SKU-TEA-01',
  宝贝标题: '西湖龙井',
  宝贝总数量: '2',
  收货人姓名: '张三',
  联系手机: '13912345678',
  联系电话: '0571-88886666',
  收货地址: '浙江省 杭州市',
  买家会员名: 'tb_zhangsan88',
};

const map = (overrides: Record<string, string> = {}) =>
  TMALL_EXPORT.mapRow((c) => ({ ...base, ...overrides })[c] ?? '');
const order = (overrides: Record<string, string> = {}): MappedOrder => {
  const mapped = map(overrides);
  if (!('order' in mapped)) throw new Error(JSON.stringify(mapped.problems));
  return mapped.order;
};

describe('Tmall 订单报表 mapping', () => {
  it('maps the kept columns to an order', () => {
    expect(order()).toEqual({
      platformOrderId: '3901234567890123451',
      status: 'completed',
      amountCents: 25600,
      orderedAt: new Date('2026-11-01T02:00:00Z'),
      paidAt: new Date('2026-11-01T02:01:30Z'),
      logisticsCompany: '顺丰速运',
      trackingNumber: 'SF1234567890123',
      lines: [{ sku: 'SKU-TEA-01', quantity: 2 }],
      receiver: { name: '张三', phone: '13912345678', address: '浙江省 杭州市' },
      buyerId: 'tb_zhangsan88',
    });
  });

  it.each([
    ['等待买家付款', 'awaiting_payment'],
    ['买家已付款，等待卖家发货', 'paid'],
    ['等待卖家发货,即:买家已付款', 'paid'],
    ['卖家已发货，等待买家确认', 'shipped'],
    ['等待买家确认收货,即:卖家已发货', 'shipped'],
    ['卖家部分发货', 'shipped'],
    ['交易成功', 'completed'],
    ['交易关闭', 'closed'],
    ['付款以后用户退款成功，交易自动关闭', 'closed'],
  ])('reads the status %p as %p', (wording, status) =>
    expect(order({ 订单状态: wording }).status).toBe(status),
  );

  it('falls back to the landline, to the title as SKU, and to one item', () => {
    const o = order({ 联系手机: '', 商家编码: '', 宝贝总数量: '', 宝贝标题: '茶'.repeat(80) });
    expect(o.receiver.phone).toBe('0571-88886666');
    expect(o.lines).toEqual([{ sku: '茶'.repeat(64), quantity: 1 }]);
  });

  it('keeps an order without buyer id, payment time or logistics', () => {
    expect(order({ 买家会员名: '', 订单付款时间: '', 物流公司: '', 物流单号: '' })).toMatchObject({
      buyerId: null,
      paidAt: null,
      logisticsCompany: null,
      trackingNumber: null,
    });
  });

  it('reports every problem of a row, by column', () => {
    expect(
      map({
        订单编号: '',
        订单状态: '发货中?',
        买家实际支付金额: 'abc',
        订单创建时间: 'soon',
        宝贝总数量: '-1',
      }),
    ).toEqual({
      problems: [
        { field: '订单编号', reason: 'required value is empty' },
        { field: '订单状态', reason: 'not a known Tmall order status' },
        { field: '买家实际支付金额', reason: expect.stringMatching(/not an amount/) },
        { field: '订单创建时间', reason: expect.stringMatching(/not a date-time/) },
        { field: '宝贝总数量', reason: 'not a positive whole number' },
      ],
    });
  });

  it('maps every kept column to a field the fulfilment purpose declares (R4)', () => {
    expect(new Set(Object.values(TMALL_EXPORT.keptColumns))).toEqual(
      new Set([
        'order_id',
        'order_status',
        'amount',
        'ordered_at',
        'paid_at',
        'shipped_at',
        'logistics_company',
        'tracking_number',
        'line_sku',
        'line_quantity',
        'receiver_name',
        'receiver_phone',
        'receiver_address',
        'buyer_id',
      ]),
    );
  });
});
