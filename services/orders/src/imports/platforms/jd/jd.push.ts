import { pushLines, singleMessage, type PlatformPush } from '../platform-push';

// JD JOS message: {msgId, type, venderId, data: {orderId, orderState, ...}}.
export const JD_PUSH: PlatformPush = {
  split: singleMessage((p) => p.text('msgId')),
  map: (push) => {
    const o = push.nested('data');
    const consignee = o.object('consigneeInfo');
    return {
      platformOrderId: o.text('orderId'),
      status: o.status('orderState', {
        WAIT_SELLER_STOCK_OUT: 'paid',
        WAIT_GOODS_RECEIVE_CONFIRM: 'shipped',
        FINISHED_L: 'completed',
        TRADE_CANCELED: 'closed',
        LOCKED: 'paid',
      }),
      amountCents: o.yuanCents('orderPayment'),
      orderedAt: o.chinaTime('orderStartTime'),
      paidAt: o.optChinaTime('paymentConfirmTime'),
      logisticsCompany: o.optText('logisticsId') || null,
      trackingNumber: o.optText('waybill') || null,
      lines: pushLines(o.list('itemInfoList'), 'outerSkuId', 'itemTotal'),
      receiver: {
        name: consignee.optText('fullname'),
        phone: consignee.optText('mobile'),
        address: consignee.optText('fullAddress'),
      },
      buyerId: o.optText('open_id_buyer') || o.optText('pin') || null,
      sourceModifiedAt: o.optChinaTime('modified'),
    };
  },
};
