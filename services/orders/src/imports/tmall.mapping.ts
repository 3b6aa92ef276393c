import {
  parseAmountCents,
  parseChinaTime,
  parseOptionalChinaTime,
  parsePositiveInteger,
  required,
  truncate,
  type Parsed,
} from './cell-values';
import type { CellProblem, MappedRow, OrderLine, OrderStatus, PlatformExport } from './platform-export';

// 淘宝/天猫 卖家中心 订单报表 (UTF-8 CSV). Columns not listed here are dropped (R4).
const C = {
  orderId: '订单编号',
  status: '订单状态',
  paid: '买家实际支付金额',
  orderedAt: '订单创建时间',
  paidAt: '订单付款时间',
  logisticsCompany: '物流公司',
  trackingNumber: '物流单号',
  sku: '商家编码',
  title: '宝贝标题',
  quantity: '宝贝总数量',
  receiverName: '收货人姓名',
  mobile: '联系手机',
  phone: '联系电话',
  address: '收货地址',
  buyer: '买家会员名',
} as const;

// Order matters: the later wordings contain fragments of the earlier ones
// ("等待买家确认收货,即:卖家已发货", "付款以后用户退款成功，交易自动关闭").
const STATUS_WORDING: [fragment: string, status: OrderStatus][] = [
  ['交易关闭', 'closed'],
  ['交易自动关闭', 'closed'],
  ['交易成功', 'completed'],
  ['已发货', 'shipped'],
  ['部分发货', 'shipped'],
  ['等待卖家发货', 'paid'],
  ['买家已付款', 'paid'],
  ['等待买家付款', 'awaiting_payment'],
];

const SKU_MAX = 64;

export const TMALL_EXPORT: PlatformExport = {
  platform: 'tmall',
  label: '淘宝/天猫 订单报表',
  keptColumns: {
    [C.orderId]: 'order_id',
    [C.status]: 'order_status',
    [C.paid]: 'amount',
    [C.orderedAt]: 'ordered_at',
    [C.paidAt]: 'paid_at',
    [C.logisticsCompany]: 'logistics_company',
    [C.trackingNumber]: 'tracking_number',
    [C.sku]: 'line_sku',
    // Only as the SKU when 商家编码 is empty: its first 64 characters.
    [C.title]: 'line_sku',
    [C.quantity]: 'line_quantity',
    [C.receiverName]: 'receiver_name',
    [C.mobile]: 'receiver_phone',
    [C.phone]: 'receiver_phone',
    [C.address]: 'receiver_address',
    [C.buyer]: 'buyer_id',
  },
  requiredColumns: [
    [C.orderId],
    [C.status],
    [C.paid],
    [C.orderedAt],
    [C.receiverName],
    [C.address],
    [C.mobile, C.phone],
  ],

  mapRow(cell): MappedRow {
    const problems: CellProblem[] = [];
    const take = <T>(field: string, parsed: Parsed<T>): T => {
      if (!parsed.ok) problems.push({ field, reason: parsed.reason });
      return parsed.ok ? parsed.value : (undefined as T);
    };

    const platformOrderId = take(C.orderId, required(cell(C.orderId)));
    const status = take(C.status, tmallStatus(cell(C.status)));
    const amountCents = take(C.paid, parseAmountCents(cell(C.paid)));
    const orderedAt = take(C.orderedAt, parseChinaTime(cell(C.orderedAt)));
    const paidAt = take(C.paidAt, parseOptionalChinaTime(cell(C.paidAt)));
    const quantityCell = cell(C.quantity);
    const quantity = quantityCell === '' ? 1 : take(C.quantity, parsePositiveInteger(quantityCell));
    if (problems.length > 0) return { problems };

    const sku = cell(C.sku) || truncate(cell(C.title), SKU_MAX);
    const lines: OrderLine[] = sku ? [{ sku: truncate(sku, SKU_MAX), quantity }] : [];
    return {
      order: {
        platformOrderId,
        status,
        amountCents,
        orderedAt,
        paidAt,
        logisticsCompany: cell(C.logisticsCompany) || null,
        // Some exports prefix the number: "No:SF1234567890123".
        trackingNumber: cell(C.trackingNumber).replace(/^No[:：]\s*/i, '') || null,
        lines,
        receiver: {
          name: cell(C.receiverName),
          phone: cell(C.mobile) || cell(C.phone),
          address: cell(C.address),
        },
        buyerId: cell(C.buyer) || null,
      },
    };
  },
};

function tmallStatus(value: string): Parsed<OrderStatus> {
  if (value.length === 0) return { ok: false, reason: 'required value is empty' };
  const match = STATUS_WORDING.find(([fragment]) => value.includes(fragment));
  return match ? { ok: true, value: match[1] } : { ok: false, reason: 'not a known Tmall order status' };
}
