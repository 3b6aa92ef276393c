import { exportFromLayout, type ExportLayout } from '../../export-layout';

// 京东 商家后台 (京麦) → 订单管理 → 订单查询与跟踪 → 导出. One row per SKU of an order (R4: others dropped).
// Column names checked against a seller tool's reader of the real export (订单号, 商品ID, 商品名称,
// 订购数量, 下单时间, 订单金额, 应付金额, 订单状态, 下单帐号, 客户姓名, 客户地址, 联系电话, 付款确认时间, 货号).
export const JD_LAYOUT: ExportLayout = {
  platform: 'jd',
  label: '京东 订单导出',
  statusOf: 'JD',
  columns: {
    order_id: ['订单号', '订单编号'],
    order_status: ['订单状态'],
    amount: ['应付金额', '订单金额', '实付金额'],
    ordered_at: ['下单时间'],
    paid_at: ['付款确认时间', '付款时间', '支付时间'],
    shipped_at: ['出库时间', '发货时间'],
    modified_at: ['订单修改时间', '修改时间', '更新时间'],
    logistics_company: ['承运商', '物流公司', '快递公司'],
    tracking_number: ['运单号', '物流单号', '快递单号'],
    line_sku: ['货号', '商家SKU', '商家skuid', '商品编号', '商品ID', 'SKU'],
    line_title: ['商品名称'],
    line_quantity: ['订购数量', '商品数量', '数量'],
    receiver_name: ['客户姓名', '收货人', '收货人姓名'],
    receiver_phone: ['联系电话', '收货人手机', '手机号', '固定电话'],
    receiver_address: ['客户地址', '收货地址', '详细地址'],
    buyer_id: ['下单帐号', '下单账号', '京东账号', '用户账号'],
  },
  // A deleted order keeps its last wording behind a marker: "(删除)等待出库".
  statuses: [
    ['(删除)', 'closed'],
    ['删除', 'closed'],
    ['锁定', 'paid'],
    ['已取消', 'closed'],
    ['取消', 'closed'],
    ['已关闭', 'closed'],
    ['等待付款', 'awaiting_payment'],
    ['未付款', 'awaiting_payment'],
    ['等待出库', 'paid'],
    ['等待发货', 'paid'],
    ['暂停', 'paid'],
    ['等待确认收货', 'shipped'],
    ['已发货', 'shipped'],
    ['配送中', 'shipped'],
    ['已完成', 'completed'],
    ['完成', 'completed'],
  ],
  signatureColumns: ['客户姓名', '客户地址', '下单帐号', '下单账号', '订购数量', '京东价'],
  rowPerLine: true,
};

export const JD_EXPORT = exportFromLayout(JD_LAYOUT);
