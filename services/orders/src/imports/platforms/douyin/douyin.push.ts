import { messageBatch, pushLines, type PlatformPush } from '../platform-push';

// Douyin 抖店 message push: [{tag, msg_id, data: "<order JSON>"}], amounts in fen, unix seconds.
export const DOUYIN_PUSH: PlatformPush = {
  split: messageBatch((m) => m.text('msg_id')),
  map: (push) => {
    const o = push.nested('data');
    return {
      platformOrderId: o.text('p_id'),
      status: o.status('order_status', {
        '1': 'awaiting_payment',
        '2': 'paid',
        '3': 'shipped',
        '4': 'closed',
        '5': 'completed',
      }),
      amountCents: o.integer('pay_amount'),
      orderedAt: o.epoch('create_time', 1000),
      paidAt: o.optEpoch('pay_time', 1000),
      shippedAt: o.optEpoch('ship_time', 1000),
      logisticsCompany: o.optText('logistics_company') || null,
      trackingNumber: o.optText('logistics_code') || null,
      lines: pushLines(o.list('sku_order_list'), 'out_sku_id', 'item_num'),
      // Douyin sends receivers as delimited platform ciphertext: kept as sent (R1).
      receiver: {
        name: o.optText('encrypt_post_receiver'),
        phone: o.optText('encrypt_post_tel'),
        address: o.optText('encrypt_post_addr'),
      },
      buyerId: o.optText('doudian_open_id') || null,
      sourceModifiedAt: o.optEpoch('update_time', 1000),
    };
  },
};
