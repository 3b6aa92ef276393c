import { pushLines, singleMessage, type PlatformPush } from '../platform-push';

// Pinduoduo message push: {id, message: {type, mall_id, content: "<order JSON>"}}.
export const PINDUODUO_PUSH: PlatformPush = {
  split: singleMessage((p) => p.text('id')),
  map: (push) => {
    const o = push.object('message').nested('content');
    // A refund that succeeded (refund_status 4) closes the order whatever its delivery state.
    const refunded = o.optText('refund_status') === '4';
    return {
      platformOrderId: o.text('order_sn'),
      status: refunded
        ? 'closed'
        : o.status('order_status', { '1': 'paid', '2': 'shipped', '3': 'completed' }),
      amountCents: o.yuanCents('pay_amount'),
      orderedAt: o.chinaTime('created_time'),
      paidAt: o.optChinaTime('pay_time'),
      shippedAt: o.optChinaTime('shipping_time'),
      logisticsCompany: o.optText('logistics_id') || null,
      trackingNumber: o.optText('tracking_number') || null,
      lines: pushLines(o.list('item_list'), 'outer_sku_id', 'goods_count'),
      receiver: {
        name: o.optText('receiver_name'),
        phone: o.optText('receiver_phone'),
        address: o.optText('receiver_address'),
      },
      buyerId: o.optText('open_id') || null,
      sourceModifiedAt: o.optChinaTime('updated_at'),
    };
  },
};
