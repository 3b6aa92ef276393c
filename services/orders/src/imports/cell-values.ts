/** Parsing of export cells. Reasons describe the problem, never the value (it may be PII). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const problem = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

const EDGE_SPACE = /^[\s\u3000\uFEFF]+|[\s\u3000\uFEFF]+$/g;

/** Export headers carry spaces (`收货地址 `), a leading `=` or quotes (`="订单编号"`). */
export function normaliseHeader(raw: string): string {
  let h = raw.replace(EDGE_SPACE, '');
  for (let previous = ''; previous !== h;) {
    previous = h;
    h = h
      .replace(/^=/, '')
      .replace(/^"(.*)"$/s, '$1')
      .replace(/^'(.*)'$/s, '$1')
      .replace(EDGE_SPACE, '');
  }
  // Full-width parentheses vary between exports of one platform: 商品数量（件） = 商品数量(件).
  return h.replace(/（/g, '(').replace(/）/g, ')');
}

/**
 * Spreadsheet-safe cells as platforms write them: `="3901234567890123451"`, a leading `'` or a
 * trailing tab keep Excel from turning long numbers into floats.
 */
export function normaliseCell(raw: string): string {
  let v = raw.replace(EDGE_SPACE, '');
  const formula = /^="(.*)"$/s.exec(v);
  if (formula) v = formula[1].replace(EDGE_SPACE, '');
  if (v.startsWith("'")) v = v.slice(1).replace(EDGE_SPACE, '');
  return v;
}

export function required(value: string): Parsed<string> {
  return value.length > 0 ? ok(value) : problem('required value is empty');
}

/** Yuan with up to two decimals (`128.50`, `¥1,280.00`) to integer cents, without floating point. */
export function parseAmountCents(value: string): Parsed<number> {
  if (value.length === 0) return problem('required value is empty');
  const cleaned = value.replace(/^[¥￥]|元$/g, '').replace(/\s/g, '');
  if (cleaned.startsWith('-')) return problem('amount is negative');
  const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(cleaned) ? cleaned.replace(/,/g, '') : cleaned;
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(plain);
  if (!m) return problem('not an amount in yuan with at most two decimals (e.g. 128.50)');
  if (m[1].length > 12) return problem('amount is too large');
  return ok(Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')));
}

const DATE_TIME = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** Export times are China Standard Time (UTC+8, no daylight saving). */
export function parseChinaTime(value: string): Parsed<Date> {
  if (value.length === 0) return problem('required value is empty');
  const m = DATE_TIME.exec(value);
  if (!m) return problem('not a date-time (expected YYYY-MM-DD HH:mm:ss, China time)');
  // Read in place: a million-row export parses up to four times a row (no arrays per cell).
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  const valid =
    year >= 2000 &&
    year <= 2100 &&
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  if (!valid) return problem('not a valid calendar date-time');
  return ok(new Date(utc - CHINA_OFFSET_MS));
}

export function parseOptionalChinaTime(value: string): Parsed<Date | null> {
  return value.length === 0 ? ok(null) : parseChinaTime(value);
}

export function parsePositiveInteger(value: string): Parsed<number> {
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) return problem('not a positive whole number');
  return ok(Number(value));
}

/** At most `max` characters, counting by code point (never splitting a character). */
export function truncate(value: string, max: number): string {
  // No more UTF-16 units than `max` means no more code points either: nothing to split.
  if (value.length <= max) return value;
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join('');
}
