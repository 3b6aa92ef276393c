import type { OrderStatus } from '../../../order-book/order';
import { pushLines, singleMessage, type PlatformPush } from '../platform-push';

/** Taobao Open Platform trade statuses; Youzan's pushes use the same words. */
export const TOP_TRADE_STATUSES: Readonly<Record<string, OrderStatus>> = {
  WAIT_BUYER_PAY: 'awaiting_payment',
  TRADE_NO_CREATE_PAY: 'awaiting_payment',
  WAIT_SELLER_SEND_GOODS: 'paid',
  SELLER_CONSIGNED_PART: 'paid',
  WAIT_BUYER_CONFIRM_GOODS: 'shipped',
  TRADE_BUYER_SIGNED: 'shipped',
  TRADE_FINISHED: 'completed',
  TRADE_SUCCESS: 'completed',
  TRADE_CLOSED: 'closed',
  TRADE_CLOSED_BY_TAOBAO: 'closed',
};

// Tmall/Taobao TMC: {id, topic, pub_time, user_id, content: "<trade JSON>"}.
export const TMALL_PUSH: PlatformPush = {
  split: singleMessage((p) => p.text('id')),
  map: (push) => {
    const t = push.nested('content');
    return {
      platformOrderId: t.text('tid'),
      status: t.status('status', TOP_TRADE_STATUSES),
      amountCents: t.yuanCents('payment'),
      orderedAt: t.chinaTime('created'),
      paidAt: t.optChinaTime('pay_time'),
      shippedAt: t.optChinaTime('consign_time'),
      logisticsCompany: t.optText('logistics_company') || null,
      trackingNumber: t.optText('out_sid') || null,
      lines: pushLines(t.list('orders'), 'outer_sku_id', 'num'),
      receiver: {
        name: t.optText('receiver_name'),
        phone: t.optText('receiver_mobile'),
        address: t.optText('receiver_address'),
      },
      buyerId: t.optText('buyer_open_uid') || null,
      sourceModifiedAt: t.optChinaTime('modified'),
    };
  },
};
