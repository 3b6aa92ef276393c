import { exportFromLayout, type ExportLayout } from '../../export-layout';

// 有赞 微商城 后台 → 订单 → 所有订单 → 导出 (订单维度 or 商品维度). Self-pickup orders fill the
// 提货人 columns. 买家手机号 and other columns are dropped (R4). The order-level 订单报表 lists
// the items in one cell, 全部商品名称 ("名称(1件);名称(2件)"), with 商品种类数 and 商品数量.
export const YOUZAN_LAYOUT: ExportLayout = {
  platform: 'youzan',
  label: '有赞 订单导出',
  statusOf: 'Youzan',
  columns: {
    order_id: ['订单号', '订单编号'],
    order_status: ['订单状态'],
    amount: ['订单实付金额', '实付金额', '订单金额'],
    ordered_at: ['订单创建时间', '下单时间'],
    paid_at: ['买家付款时间', '付款时间', '支付时间'],
    shipped_at: ['发货时间'],
    modified_at: ['订单更新时间', '更新时间'],
    logistics_company: ['物流公司', '快递公司'],
    tracking_number: ['物流单号', '快递单号', '运单号'],
    line_sku: ['商品编码', '规格编码', '商家编码'],
    line_title: ['商品名称'],
    line_list: ['全部商品名称'],
    line_kinds: ['商品种类数'],
    line_quantity: ['商品数量', '数量'],
    receiver_name: ['收货人/提货人', '收货人', '提货人'],
    receiver_phone: ['收货人手机号/提货人手机号', '收货人手机号', '提货人手机号', '收货人电话'],
    receiver_address: ['详细收货地址/提货地址', '详细收货地址', '收货地址', '提货地址'],
    receiver_province: ['收货人省份'],
    receiver_city: ['收货人城市'],
    receiver_district: ['收货人地区'],
    buyer_id: ['买家ID', '客户ID', '买家昵称'],
  },
  statuses: [
    ['已关闭', 'closed'],
    ['交易关闭', 'closed'],
    ['已取消', 'closed'],
    ['待付款', 'awaiting_payment'],
    ['等待买家付款', 'awaiting_payment'],
    ['待发货', 'paid'],
    ['等待商家发货', 'paid'],
    ['已付款', 'paid'],
    ['已发货', 'shipped'],
    ['商家已发货', 'shipped'],
    ['已完成', 'completed'],
    ['交易完成', 'completed'],
    ['交易成功', 'completed'],
  ],
  signatureColumns: [
    '订单实付金额',
    '收货人/提货人',
    '收货人手机号/提货人手机号',
    '收货人省份',
    '收货人城市',
    '收货人地区',
    '详细收货地址',
    '详细收货地址/提货地址',
    '买家付款时间',
  ],
  rowPerLine: true,
};

export const YOUZAN_EXPORT = exportFromLayout(YOUZAN_LAYOUT);
