import { exportFromLayout, type ExportLayout } from '../../export-layout';

// 拼多多 商家后台 → 订单管理 → 订单查询 → 批量导出. One row per order. The amount is what the buyer
// paid (用户实付金额), as on every platform; 商家实收金额 only when that column is absent.
// Other columns — 身份证姓名/号码 of cross-border orders above all — are dropped (R4).
// The 订单查询 export splits the address into 省/市/区/街道 with no 详细地址: the parts are the
// address (issue 9 §1); older exports with 详细地址 still work. Sources: docs/ops/importing.md.
export const PINDUODUO_LAYOUT: ExportLayout = {
  platform: 'pinduoduo',
  label: '拼多多 订单导出',
  statusOf: 'Pinduoduo',
  columns: {
    order_id: ['订单号', '订单编号'],
    order_status: ['订单状态'],
    amount: ['用户实付金额(元)', '商家实收金额(元)', '订单金额(元)', '订单金额'],
    ordered_at: ['订单成交时间', '拼单成功时间', '订单创建时间', '下单时间'],
    paid_at: ['支付时间', '付款时间'],
    shipped_at: ['发货时间'],
    modified_at: ['订单更新时间', '更新时间'],
    logistics_company: ['快递公司', '物流公司'],
    tracking_number: ['快递单号', '运单号', '物流单号'],
    line_sku: ['商家编码-SKU维度', '商家编码-规格维度', '商家编码-商品维度', '商家编码', 'SKU编码'],
    line_title: ['商品', '商品名称'],
    line_quantity: ['商品数量(件)', '商品数量', '数量'],
    receiver_name: ['收货人', '收货人姓名'],
    receiver_phone: ['手机', '收货人手机', '收货人电话', '联系电话'],
    receiver_address: ['详细地址', '收货地址'],
    receiver_province: ['省'],
    receiver_city: ['市'],
    receiver_district: ['区'],
    receiver_street: ['街道'],
    buyer_id: ['买家ID', '用户ID'],
  },
  statuses: [
    ['退款成功', 'closed'],
    ['已取消', 'closed'],
    ['交易关闭', 'closed'],
    ['已关闭', 'closed'],
    ['待支付', 'awaiting_payment'],
    ['待付款', 'awaiting_payment'],
    ['待成团', 'paid'],
    ['待发货', 'paid'],
    ['已发货', 'shipped'],
    ['待签收', 'shipped'],
    ['已签收', 'completed'],
    ['交易成功', 'completed'],
  ],
  signatureColumns: [
    '商家实收金额(元)',
    '用户实付金额(元)',
    '商品数量(件)',
    '拼单成功时间',
    '订单成交时间',
    '是否蓝字',
  ],
  rowPerLine: false,
};

export const PINDUODUO_EXPORT = exportFromLayout(PINDUODUO_LAYOUT);
