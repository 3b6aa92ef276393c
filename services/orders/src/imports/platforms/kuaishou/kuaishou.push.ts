import { messageBatch, pushLines, type PlatformPush } from '../platform-push';

// Kuaishou 快手小店 message push: [{msgId, event, bizId, info: "<order JSON>"}], fen, unix ms.
export const KUAISHOU_PUSH: PlatformPush = {
  split: messageBatch((m) => m.text('msgId')),
  map: (push) => {
    const o = push.nested('info');
    const address = o.object('addressInfo');
    const logistics = o.optObject('logisticsInfo');
    return {
      platformOrderId: o.text('oid'),
      status: o.status('status', {
        '10': 'awaiting_payment',
        '30': 'paid',
        '40': 'shipped',
        '50': 'shipped',
        '70': 'completed',
        '80': 'closed',
      }),
      amountCents: o.integer('totalFee'),
      orderedAt: o.epoch('createTime', 1),
      paidAt: o.optEpoch('payTime', 1),
      logisticsCompany: logistics?.optText('expressCode') || null,
      trackingNumber: logistics?.optText('expressNo') || null,
      lines: pushLines(o.list('itemList'), 'skuNick', 'num'),
      receiver: {
        name: address.optText('encryptedConsignee'),
        phone: address.optText('encryptedMobile'),
        address: address.optText('encryptedAddress'),
      },
      buyerId: o.optText('buyerOpenId') || null,
      sourceModifiedAt: o.optEpoch('updateTime', 1),
    };
  },
};
