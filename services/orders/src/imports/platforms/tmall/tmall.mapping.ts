import { exportFromLayout, type ExportLayout } from '../../export-layout';

// 淘宝/天猫 千牛 卖家中心 → 交易 → 已卖出的宝贝 → 批量导出 → 订单报表. Columns not listed are dropped (R4).
// Column names checked against a seller tool's model of the real 订单报表 (订单编号 … 是否是O2O交易).
export const TMALL_LAYOUT: ExportLayout = {
  platform: 'tmall',
  label: '淘宝/天猫 订单报表',
  statusOf: 'Tmall',
  columns: {
    order_id: ['订单编号'],
    order_status: ['订单状态'],
    amount: ['买家实际支付金额'],
    ordered_at: ['订单创建时间'],
    paid_at: ['订单付款时间'],
    shipped_at: ['发货时间'],
    logistics_company: ['物流公司'],
    tracking_number: ['物流单号'],
    line_sku: ['商家编码'],
    line_title: ['宝贝标题'],
    line_quantity: ['宝贝总数量'],
    receiver_name: ['收货人姓名'],
    // The mobile first; the landline only when the mobile is empty.
    receiver_phone: ['联系手机', '联系电话'],
    receiver_address: ['收货地址'],
    buyer_id: ['买家会员名'],
  },
  // Fragments of one wording appear in others ("等待买家确认收货,即:卖家已发货",
  // "付款以后用户退款成功，交易自动关闭"): the closing and shipping ones come first.
  statuses: [
    ['交易关闭', 'closed'],
    ['交易自动关闭', 'closed'],
    ['交易成功', 'completed'],
    ['已发货', 'shipped'],
    ['部分发货', 'shipped'],
    ['等待卖家发货', 'paid'],
    ['买家已付款', 'paid'],
    ['等待买家付款', 'awaiting_payment'],
  ],
  signatureColumns: [
    '买家会员名',
    '买家实际支付金额',
    '宝贝标题',
    '宝贝总数量',
    '联系手机',
    '买家支付宝账号',
  ],
  rowPerLine: false,
};

export const TMALL_EXPORT = exportFromLayout(TMALL_LAYOUT);
