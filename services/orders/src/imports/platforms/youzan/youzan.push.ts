import { pushLines, singleMessage, type PlatformPush } from '../platform-push';
import { badPush, PushFields } from '../push-fields';
import { TOP_TRADE_STATUSES } from '../tmall/tmall.push';

// Youzan 有赞 push: {msg_id, type, kdt_id, id, status, msg: "<URL-encoded order JSON>"}.
export const YOUZAN_PUSH: PlatformPush = {
  split: singleMessage((p) => p.text('msg_id')),
  map: (push) => {
    let msg: string;
    try {
      msg = decodeURIComponent(push.text('msg'));
    } catch {
      throw badPush('push.msg is not URL-encoded');
    }
    const full = PushFields.ofJsonText(msg, 'push.msg').object('full_order_info');
    const info = full.object('order_info');
    const address = full.object('address_info');
    return {
      platformOrderId: info.text('tid'),
      status: info.status('status', TOP_TRADE_STATUSES),
      amountCents: full.object('pay_info').yuanCents('payment'),
      orderedAt: info.chinaTime('created'),
      paidAt: info.optChinaTime('pay_time'),
      shippedAt: info.optChinaTime('consign_time'),
      logisticsCompany: null,
      trackingNumber: null,
      lines: pushLines(full.list('orders'), 'outer_sku_id', 'num'),
      receiver: {
        name: address.optText('receiver_name'),
        phone: address.optText('receiver_tel'),
        address: address.optText('delivery_address'),
      },
      buyerId: full.optObject('buyer_info')?.optText('yz_open_id') || null,
      sourceModifiedAt: info.optChinaTime('update_time'),
    };
  },
};
