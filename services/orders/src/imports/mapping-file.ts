import { ORDER_STATUSES, type OrderStatus } from '../order-book/order';
import { EXPORT_FIELDS, type ExportField, type ExportLayout } from './export-layout';
import { ImportsError, ImportsErrorCode } from './imports.errors';

/**
 * An ops mapping file (JSON) for an export variant no layout knows yet: which headers carry which
 * canonical field, and extra status wording. It extends the platform's layout; no code needed.
 *
 *   { "columns": { "order_id": ["单号"], "receiver_phone": "收货手机" },
 *     "statuses": { "已出库": "shipped" }, "rowPerLine": false, "amountPerLine": false }
 */
export interface ExportMappingFile {
  columns?: Partial<Record<ExportField, string[]>>;
  statuses?: Record<string, OrderStatus>;
  rowPerLine?: boolean;
  /** The amount column is each line row's own amount, summed into the order's (like Douyin's). */
  amountPerLine?: boolean;
}

const bad = (reason: string) =>
  new ImportsError(ImportsErrorCode.BAD_MAPPING_FILE, `mapping file: ${reason}`);

/** Validates a parsed mapping file; every problem names the key at fault. */
export function parseMappingFile(raw: unknown): ExportMappingFile {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected a JSON object');
  const { columns, statuses, rowPerLine, amountPerLine, ...rest } = raw as Record<string, unknown>;
  const unknownKeys = Object.keys(rest).filter((k) => k !== '$comment');
  if (unknownKeys.length > 0)
    throw bad(
      `unknown key(s) ${unknownKeys.join(', ')} (expected columns, statuses, rowPerLine, amountPerLine)`,
    );
  const file: ExportMappingFile = {};
  if (columns !== undefined) {
    if (typeof columns !== 'object' || columns === null || Array.isArray(columns))
      throw bad('"columns" must map canonical fields to header names');
    file.columns = {};
    for (const [field, headers] of Object.entries(columns)) {
      if (!(EXPORT_FIELDS as readonly string[]).includes(field))
        throw bad(`"${field}" is not a canonical field (one of ${EXPORT_FIELDS.join(', ')})`);
      const list = typeof headers === 'string' ? [headers] : headers;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        !list.every((h) => typeof h === 'string' && h.trim() !== '')
      )
        throw bad(`columns.${field} must be a header name or a list of header names`);
      file.columns[field as ExportField] = list.map((h: string) => h.trim());
    }
  }
  if (statuses !== undefined) {
    if (typeof statuses !== 'object' || statuses === null || Array.isArray(statuses))
      throw bad('"statuses" must map the platform wording to a status');
    for (const [wording, status] of Object.entries(statuses)) {
      if (!(ORDER_STATUSES as readonly unknown[]).includes(status))
        throw bad(`statuses.${wording} must be one of ${ORDER_STATUSES.join(', ')}`);
    }
    file.statuses = statuses as Record<string, OrderStatus>;
  }
  if (rowPerLine !== undefined) {
    if (typeof rowPerLine !== 'boolean') throw bad('"rowPerLine" must be true or false');
    file.rowPerLine = rowPerLine;
  }
  if (amountPerLine !== undefined) {
    if (typeof amountPerLine !== 'boolean') throw bad('"amountPerLine" must be true or false');
    file.amountPerLine = amountPerLine;
  }
  return file;
}

/** The platform's layout with the file's headers tried first and its wording added. */
export function applyMappingFile(layout: ExportLayout, file: ExportMappingFile): ExportLayout {
  const columns = { ...layout.columns };
  for (const [field, headers] of Object.entries(file.columns ?? {}) as [ExportField, string[]][]) {
    columns[field] = [...headers, ...(columns[field] ?? []).filter((h) => !headers.includes(h))];
  }
  return {
    ...layout,
    label: `${layout.label} (mapping file)`,
    columns,
    statuses: [...Object.entries(file.statuses ?? {}), ...layout.statuses],
    rowPerLine: file.rowPerLine ?? layout.rowPerLine,
    amountPerLine: file.amountPerLine ?? layout.amountPerLine,
  };
}
