import { exportFromLayout, type ExportLayout } from '../../export-layout';

// 快手小店 商家后台 → 订单 → 订单查询 → 导出订单. Receivers may be masked or ciphertext (R1);
// other columns are dropped (R4).
export const KUAISHOU_LAYOUT: ExportLayout = {
  platform: 'kuaishou',
  label: '快手小店 订单导出',
  statusOf: 'Kuaishou',
  columns: {
    order_id: ['订单号', '订单编号'],
    order_status: ['订单状态'],
    amount: ['实付款', '实付金额', '订单实付金额'],
    ordered_at: ['订单创建时间', '下单时间'],
    paid_at: ['订单支付时间', '支付时间', '付款时间'],
    shipped_at: ['发货时间'],
    modified_at: ['订单更新时间', '更新时间'],
    logistics_company: ['快递公司', '物流公司'],
    tracking_number: ['快递单号', '物流单号', '运单号'],
    line_sku: ['SKU编码', '商家编码', '商品编码', 'SKU ID', '商品ID'],
    line_title: ['商品名称'],
    line_quantity: ['商品数量', '数量'],
    receiver_name: ['收货人姓名', '收货人'],
    receiver_phone: ['收货人电话', '收货人手机号', '联系电话'],
    receiver_address: ['收货地址', '详细地址'],
    receiver_province: ['省'],
    receiver_city: ['市'],
    receiver_district: ['区'],
    buyer_id: ['买家ID', '用户ID', '买家昵称'],
  },
  statuses: [
    ['交易关闭', 'closed'],
    ['已关闭', 'closed'],
    ['已取消', 'closed'],
    ['待付款', 'awaiting_payment'],
    ['待发货', 'paid'],
    ['已付款', 'paid'],
    ['已发货', 'shipped'],
    ['待收货', 'shipped'],
    ['已收货', 'completed'],
    ['交易成功', 'completed'],
    ['已完成', 'completed'],
  ],
  signatureColumns: ['实付款', '收货人电话', '订单支付时间'],
  rowPerLine: true,
};

export const KUAISHOU_EXPORT = exportFromLayout(KUAISHOU_LAYOUT);
