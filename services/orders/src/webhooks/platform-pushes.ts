import { PLATFORMS, type Platform } from '@siyu/contracts';
import type { MappedOrder, OrderLine, OrderStatus } from '../order-book/order';
import { OrderPushError, OrderPushErrorCode } from './order-pushes.errors';
import { badPush, PushFields } from './push-fields';

/**
 * One message of a push, as stored: its platform message id (idempotence key) and its own JSON.
 * Douyin and Kuaishou batch several messages in one call; each is stored and processed on its own.
 */
export interface PushMessage {
  pushId: string;
  body: string;
}

/**
 * Everything platform-specific about one push shape (docs/ops/order-pushes.md). Adding a platform
 * = one entry here; verifying, storing, sealing and ingesting are shared.
 */
interface PlatformPush {
  /** The call's messages; refuses a body that is not the platform's envelope. */
  split(body: unknown): PushMessage[];
  /** One stored message to the canonical order the importer stores (R1: receiver kept as sent). */
  map(message: PushFields): MappedOrder;
}

export function isPushPlatform(platform: string): platform is Platform {
  return (PLATFORMS as readonly string[]).includes(platform);
}

export function splitPush(platform: string, body: unknown): PushMessage[] {
  if (!isPushPlatform(platform))
    throw new OrderPushError(OrderPushErrorCode.PLATFORM_NOT_SUPPORTED, 'no push endpoint for this platform');
  const messages = PUSHES[platform].split(body);
  // Refused at the door, so the platform sees the error rather than a silent loss (issue §9).
  for (const m of messages) mapPushMessage(platform, m.body);
  return messages;
}

export function mapPushMessage(platform: Platform, body: string): MappedOrder {
  return PUSHES[platform].map(PushFields.ofJsonText(body, 'push'));
}

const single =
  (idOf: (push: PushFields) => string) =>
  (body: unknown): PushMessage[] => {
    const push = PushFields.of(body, 'push');
    return [{ pushId: idOf(push), body: JSON.stringify(body) }];
  };

const batch =
  (idOf: (message: PushFields) => string) =>
  (body: unknown): PushMessage[] => {
    if (!Array.isArray(body) || body.length === 0 || body.length > 100)
      throw badPush('push is not a list of 1–100 messages');
    const messages = body.map((m, i) => ({
      pushId: idOf(PushFields.of(m, `push[${i}]`)),
      body: JSON.stringify(m),
    }));
    if (new Set(messages.map((m) => m.pushId)).size !== messages.length)
      throw badPush('push repeats a message id');
    return messages;
  };

function lines(items: PushFields[], skuKey: string, quantityKey: string): OrderLine[] {
  return items.map((item) => ({ sku: item.text(skuKey), quantity: item.integer(quantityKey) }));
}

const TOP_STATUSES: Record<string, OrderStatus> = {
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

const PUSHES: Record<Platform, PlatformPush> = {
  // Tmall/Taobao TMC: {id, topic, pub_time, user_id, content: "<trade JSON>"}.
  tmall: {
    split: single((p) => p.text('id')),
    map: (push) => {
      const t = push.nested('content');
      return {
        platformOrderId: t.text('tid'),
        status: t.status('status', TOP_STATUSES),
        amountCents: t.yuanCents('payment'),
        orderedAt: t.chinaTime('created'),
        paidAt: t.optChinaTime('pay_time'),
        shippedAt: t.optChinaTime('consign_time'),
        logisticsCompany: t.optText('logistics_company') || null,
        trackingNumber: t.optText('out_sid') || null,
        lines: lines(t.list('orders'), 'outer_sku_id', 'num'),
        receiver: {
          name: t.optText('receiver_name'),
          phone: t.optText('receiver_mobile'),
          address: t.optText('receiver_address'),
        },
        buyerId: t.optText('buyer_open_uid') || null,
        sourceModifiedAt: t.optChinaTime('modified'),
      };
    },
  },
  // JD JOS message: {msgId, type, venderId, data: {orderId, orderState, ...}}.
  jd: {
    split: single((p) => p.text('msgId')),
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
        lines: lines(o.list('itemInfoList'), 'outerSkuId', 'itemTotal'),
        receiver: {
          name: consignee.optText('fullname'),
          phone: consignee.optText('mobile'),
          address: consignee.optText('fullAddress'),
        },
        buyerId: o.optText('open_id_buyer') || o.optText('pin') || null,
        sourceModifiedAt: o.optChinaTime('modified'),
      };
    },
  },
  // Douyin 抖店 message push: [{tag, msg_id, data: "<order JSON>"}], amounts in fen, unix seconds.
  douyin: {
    split: batch((m) => m.text('msg_id')),
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
        lines: lines(o.list('sku_order_list'), 'out_sku_id', 'item_num'),
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
  },
  // Kuaishou 快手小店 message push: [{msgId, event, bizId, info: "<order JSON>"}], fen, unix ms.
  kuaishou: {
    split: batch((m) => m.text('msgId')),
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
        lines: lines(o.list('itemList'), 'skuNick', 'num'),
        receiver: {
          name: address.optText('encryptedConsignee'),
          phone: address.optText('encryptedMobile'),
          address: address.optText('encryptedAddress'),
        },
        buyerId: o.optText('buyerOpenId') || null,
        sourceModifiedAt: o.optEpoch('updateTime', 1),
      };
    },
  },
  // Pinduoduo message push: {id, message: {type, mall_id, content: "<order JSON>"}}.
  pinduoduo: {
    split: single((p) => p.text('id')),
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
        lines: lines(o.list('item_list'), 'outer_sku_id', 'goods_count'),
        receiver: {
          name: o.optText('receiver_name'),
          phone: o.optText('receiver_phone'),
          address: o.optText('receiver_address'),
        },
        buyerId: o.optText('open_id') || null,
        sourceModifiedAt: o.optChinaTime('updated_at'),
      };
    },
  },
  // Youzan 有赞 push: {msg_id, type, kdt_id, id, status, msg: "<URL-encoded order JSON>"}.
  youzan: {
    split: single((p) => p.text('msg_id')),
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
        status: info.status('status', TOP_STATUSES),
        amountCents: full.object('pay_info').yuanCents('payment'),
        orderedAt: info.chinaTime('created'),
        paidAt: info.optChinaTime('pay_time'),
        shippedAt: info.optChinaTime('consign_time'),
        logisticsCompany: null,
        trackingNumber: null,
        lines: lines(full.list('orders'), 'outer_sku_id', 'num'),
        receiver: {
          name: address.optText('receiver_name'),
          phone: address.optText('receiver_tel'),
          address: address.optText('delivery_address'),
        },
        buyerId: full.optObject('buyer_info')?.optText('yz_open_id') || null,
        sourceModifiedAt: info.optChinaTime('update_time'),
      };
    },
  },
};
