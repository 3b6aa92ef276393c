import type { Platform } from '@siyu/contracts';
import {
  parseAmountCents,
  parseChinaTime,
  parseOptionalChinaTime,
  parsePositiveInteger,
  required,
  truncate,
  type Parsed,
} from './cell-values';
import type { CellProblem, CellReader, KeptField, MappedRow, PlatformExport } from './platform-export';
import type { OrderLine, OrderStatus } from '../order-book/order';

/**
 * The canonical fields an export's columns map to. A layout (and an ops mapping file) names, per
 * field, the headers that carry it, most common wording first.
 */
export const EXPORT_FIELDS = [
  'order_id',
  'line_id',
  'order_status',
  'amount',
  'ordered_at',
  'paid_at',
  'shipped_at',
  'modified_at',
  'logistics_company',
  'tracking_number',
  'line_sku',
  'line_title',
  'line_list',
  'line_kinds',
  'line_quantity',
  'receiver_name',
  'receiver_phone',
  'receiver_address',
  'receiver_province',
  'receiver_city',
  'receiver_district',
  'receiver_street',
  'buyer_id',
] as const;
export type ExportField = (typeof EXPORT_FIELDS)[number];

/** The fulfilment field each export field is kept as (R4). */
const KEPT_AS: Record<ExportField, KeptField> = {
  order_id: 'order_id',
  line_id: 'order_id',
  order_status: 'order_status',
  amount: 'amount',
  ordered_at: 'ordered_at',
  paid_at: 'paid_at',
  shipped_at: 'shipped_at',
  modified_at: 'source_modified_at',
  logistics_company: 'logistics_company',
  tracking_number: 'tracking_number',
  line_sku: 'line_sku',
  // Only as the SKU when no SKU column has a value: its first 64 characters.
  line_title: 'line_sku',
  // Order-level exports list every item in one cell (有赞 全部商品名称: "名称(1件);名称(2件)").
  line_list: 'line_sku',
  // How many different items that cell lists (有赞 商品种类数): whether to split it at all.
  line_kinds: 'line_quantity',
  line_quantity: 'line_quantity',
  receiver_name: 'receiver_name',
  receiver_phone: 'receiver_phone',
  receiver_address: 'receiver_address',
  receiver_province: 'receiver_address',
  receiver_city: 'receiver_address',
  receiver_district: 'receiver_address',
  receiver_street: 'receiver_address',
  buyer_id: 'buyer_id',
};

export const REQUIRED_FIELDS: readonly ExportField[] = [
  'order_id',
  'order_status',
  'amount',
  'ordered_at',
  'receiver_name',
  'receiver_address',
  'receiver_phone',
];

export type StatusWording = readonly (readonly [wording: string, status: OrderStatus])[];

export interface ExportLayout {
  platform: Platform;
  label: string;
  /** Short platform name in a status problem: "not a known JD order status". */
  statusOf: string;
  columns: Readonly<Partial<Record<ExportField, readonly string[]>>>;
  /** Exact wording first; otherwise the first entry the cell contains, in this order. */
  statuses: StatusWording;
  signatureColumns: readonly string[];
  rowPerLine: boolean;
  /** The amount column is each line row's own amount (see `PlatformExport.amountPerLine`). */
  amountPerLine?: boolean;
}

const SKU_MAX = 64;

/** Builds the shared row mapper from a declarative layout: one per platform, one per mapping file. */
export function exportFromLayout(layout: ExportLayout): PlatformExport {
  const headersOf = (field: ExportField): readonly string[] => layout.columns[field] ?? [];
  const keptColumns: Record<string, KeptField> = {};
  for (const field of EXPORT_FIELDS) {
    for (const header of headersOf(field)) keptColumns[header] ??= KEPT_AS[field];
  }
  const missingField = REQUIRED_FIELDS.find((f) => headersOf(f).length === 0);
  if (missingField) throw new Error(`layout ${layout.label} has no column for ${missingField}`);

  const exact = new Map(layout.statuses.map(([w, s]) => [w, s]));
  const statusOf = (value: string): Parsed<OrderStatus> => {
    if (value.length === 0) return { ok: false, reason: 'required value is empty' };
    const status = exact.get(value) ?? layout.statuses.find(([w]) => value.includes(w))?.[1];
    return status
      ? { ok: true, value: status }
      : { ok: false, reason: `not a known ${layout.statusOf} order status` };
  };

  const amountPerLine = layout.amountPerLine ?? false;
  return {
    platform: layout.platform,
    label: layout.label,
    keptColumns,
    // An export that splits the address (省/市/区/街道, as Pinduoduo's 订单查询 does) has its
    // street part instead of a whole-address column (issue 9 §1).
    requiredColumns: REQUIRED_FIELDS.map((f) =>
      f === 'receiver_address' ? [...headersOf(f), ...headersOf('receiver_street')] : headersOf(f),
    ),
    signatureColumns: layout.signatureColumns,
    rowPerLine: layout.rowPerLine,
    amountPerLine,
    amountColumns: headersOf('amount'),

    mapRow(cell: CellReader, present?: (column: string) => boolean): MappedRow {
      // The first alternative header holding a value; problems name the header the file has.
      const read = (field: ExportField): { value: string; column: string } => {
        const headers = headersOf(field);
        for (const h of headers) {
          const value = cell(h);
          if (value !== '') return { value, column: h };
        }
        return { value: '', column: headers.find((h) => present?.(h)) ?? headers[0] ?? field };
      };
      const problems: CellProblem[] = [];
      const take = <T>(field: ExportField, parse: (value: string) => Parsed<T>): T => {
        const { value, column } = read(field);
        const parsed = parse(value);
        if (!parsed.ok) problems.push({ field: column, reason: parsed.reason });
        return parsed.ok ? parsed.value : (undefined as T);
      };

      const platformOrderId = take('order_id', required);
      const status = take('order_status', statusOf);
      const amountCents = take('amount', parseAmountCents);
      const orderedAt = take('ordered_at', parseChinaTime);
      const paidAt = take('paid_at', parseOptionalChinaTime);
      const shippedAt = take('shipped_at', parseOptionalChinaTime);
      const sourceModifiedAt = take('modified_at', parseOptionalChinaTime);
      const quantityCell = read('line_quantity').value;
      const quantity = quantityCell === '' ? 1 : take('line_quantity', parsePositiveInteger);
      if (problems.length > 0) return { problems };

      const sku = read('line_sku').value || read('line_title').value;
      const lines: OrderLine[] = sku
        ? [{ sku: truncate(sku, SKU_MAX), quantity }]
        : linesOfList(read('line_list').value, read('line_kinds').value, quantity);
      if (amountPerLine && lines.length === 1) lines[0].amountCents = amountCents;
      const lineId = read('line_id').value;
      return {
        lineKey: lineId || sku,
        order: {
          platformOrderId,
          status,
          amountCents,
          orderedAt,
          paidAt,
          logisticsCompany: read('logistics_company').value || null,
          // Some exports prefix the number: "No:SF1234567890123".
          trackingNumber: read('tracking_number').value.replace(/^No[:：]\s*/i, '') || null,
          lines,
          // R1: masked values, platform ciphertexts (#…#, $…$) and virtual numbers (…-123) as sent.
          receiver: {
            name: read('receiver_name').value,
            phone: read('receiver_phone').value,
            address: withRegion(read('receiver_address').value, read),
          },
          buyerId: read('buyer_id').value || null,
          ...(shippedAt ? { shippedAt } : {}),
          ...(sourceModifiedAt ? { sourceModifiedAt } : {}),
        },
      };
    },
  };
}

/**
 * Exports that split the address (省/市/区/街道 + 详细地址) get one address line, region first.
 * Without a whole-address column (Pinduoduo's 订单查询) the parts are the address.
 */
function withRegion(address: string, read: (field: ExportField) => { value: string }): string {
  const region = (['receiver_province', 'receiver_city', 'receiver_district', 'receiver_street'] as const)
    .map((f) => read(f).value)
    .filter((v) => v !== '');
  if (region.length === 0 || address.startsWith(region[0])) return address;
  return address === '' ? region.join(' ') : [...region, address].join(' ');
}

// "福鼎白茶(规格:357g)(2件)": the last parenthesis holds the item's quantity.
const LISTED_QUANTITY = /\((\d+)\s*件?\)$/;

/**
 * The items of an order-level export listed in one cell (有赞 订单报表 全部商品名称):
 * `名称(1件);名称(2件)`. With one kind of item (商品种类数 1) the cell is not split, so a name
 * holding ';' stays whole; without a per-item quantity, the row's 商品数量 is the line's.
 */
function linesOfList(list: string, kinds: string, quantity: number): OrderLine[] {
  const text = list.replace(/（/g, '(').replace(/）/g, ')');
  if (text === '') return [];
  const items = kinds === '1' ? [text] : text.split(/[;；]/);
  return items
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const listed = LISTED_QUANTITY.exec(item);
      const name = listed ? item.slice(0, listed.index).trim() : item;
      const q = listed ? Number(listed[1]) : items.length === 1 ? quantity : 1;
      return { sku: truncate(name || item, SKU_MAX), quantity: q > 0 ? q : 1 };
    });
}
