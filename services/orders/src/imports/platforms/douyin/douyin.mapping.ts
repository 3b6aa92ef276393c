import { exportFromLayout, type ExportLayout } from '../../export-layout';

// 抖店 商家后台 → 订单 → 订单管理 → 批量导出. One row per 子订单; receivers arrive as platform
// ciphertexts (#…#, $…$) or masked, and are sealed as sent (R1). Other columns are dropped (R4).
// 订单应付金额 is the 子订单's own amount: a merged order's amount is the sum of its rows'
// (issue 9 §2), and each line keeps its own.
export const DOUYIN_LAYOUT: ExportLayout = {
  platform: 'douyin',
  label: '抖店 订单导出',
  statusOf: 'Douyin',
  columns: {
    order_id: ['主订单编号', '订单编号', '订单号'],
    line_id: ['子订单编号'],
    order_status: ['订单状态'],
    amount: ['订单应付金额', '应付金额', '实付金额'],
    ordered_at: ['订单提交时间', '下单时间', '订单创建时间'],
    paid_at: ['支付完成时间', '支付时间'],
    shipped_at: ['发货时间'],
    modified_at: ['订单更新时间', '更新时间'],
    logistics_company: ['快递公司', '物流公司'],
    tracking_number: ['快递单号', '物流单号', '运单号'],
    line_sku: ['商家编码', 'SKU编码', '商品编码', '商品ID'],
    line_title: ['选购商品', '商品名称'],
    line_quantity: ['商品数量', '数量'],
    receiver_name: ['收件人', '收货人'],
    receiver_phone: ['收件人手机号', '收件人电话', '收货人手机号', '联系电话'],
    receiver_address: ['详细地址', '收件地址', '收货地址'],
    receiver_province: ['省'],
    receiver_city: ['市'],
    receiver_district: ['区'],
    receiver_street: ['街道'],
    buyer_id: ['用户ID', '买家ID', '用户昵称', '买家昵称'],
  },
  statuses: [
    ['已关闭', 'closed'],
    ['已取消', 'closed'],
    ['交易关闭', 'closed'],
    ['待支付', 'awaiting_payment'],
    ['待付款', 'awaiting_payment'],
    ['备货中', 'paid'],
    ['待发货', 'paid'],
    ['部分发货', 'shipped'],
    ['已发货', 'shipped'],
    ['已完成', 'completed'],
    ['已签收', 'completed'],
  ],
  signatureColumns: ['主订单编号', '子订单编号', '选购商品', '订单应付金额', '收件人手机号', '订单提交时间'],
  rowPerLine: true,
  amountPerLine: true,
};

export const DOUYIN_EXPORT = exportFromLayout(DOUYIN_LAYOUT);
