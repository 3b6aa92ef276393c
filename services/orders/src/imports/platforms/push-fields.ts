import type { OrderStatus } from '../../order-book/order';
import { parseAmountCents, parseChinaTime, type Parsed } from '../cell-values';

/**
 * A push body that is not the platform's shape. The message names the field, never its value (it
 * may be personal data); the pushes feature answers it as its own BODY_INVALID error.
 */
export class PushBodyInvalid extends Error {
  override readonly name = 'PushBodyInvalid';
}

export function badPush(message: string): PushBodyInvalid {
  return new PushBodyInvalid(message);
}

/** Typed reads of one JSON object of a push; `at` is its path, for precise refusals. */
export class PushFields {
  private constructor(
    private readonly obj: Record<string, unknown>,
    private readonly at: string,
  ) {}

  static of(value: unknown, at: string): PushFields {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw badPush(`${at} is not a JSON object`);
    return new PushFields(value as Record<string, unknown>, at);
  }

  /** Platforms nest the order as a JSON string inside the envelope (TMC `content`, Douyin `data`). */
  static ofJsonText(value: unknown, at: string): PushFields {
    if (typeof value === 'object') return PushFields.of(value, at);
    if (typeof value !== 'string') throw badPush(`${at} is not a JSON string`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw badPush(`${at} is not valid JSON`);
    }
    return PushFields.of(parsed, at);
  }

  private path(key: string): string {
    return `${this.at}.${key}`;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null && this.obj[key] !== '';
  }

  /** A required string (numbers are accepted as their decimal text: ids often arrive as numbers). */
  text(key: string): string {
    const v = this.optText(key);
    if (v === '') throw badPush(`${this.path(key)} is required`);
    return v;
  }

  optText(key: string): string {
    const v = this.obj[key];
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw badPush(`${this.path(key)} is not a string`);
  }

  integer(key: string): number {
    const v = this.obj[key];
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      throw badPush(`${this.path(key)} is not a non-negative integer`);
    return n;
  }

  object(key: string): PushFields {
    return PushFields.of(this.obj[key], this.path(key));
  }

  /** An object member sent either as JSON text (TMC `content`, Douyin `data`) or inline. */
  nested(key: string): PushFields {
    return PushFields.ofJsonText(this.obj[key], this.path(key));
  }

  optObject(key: string): PushFields | null {
    return this.has(key) ? this.object(key) : null;
  }

  list(key: string): PushFields[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length === 0) throw badPush(`${this.path(key)} is not a non-empty list`);
    return v.map((item, i) => PushFields.of(item, `${this.path(key)}[${i}]`));
  }

  /** Yuan as text or number (`"199.00"`, `199.5`). */
  yuanCents(key: string): number {
    return parsed(parseAmountCents(this.text(key)), this.path(key));
  }

  /** `YYYY-MM-DD HH:mm:ss`, China time. */
  chinaTime(key: string): Date {
    return parsed(parseChinaTime(this.text(key)), this.path(key));
  }

  optChinaTime(key: string): Date | null {
    return this.has(key) ? this.chinaTime(key) : null;
  }

  /** Unix time in seconds (`unit` 1000) or milliseconds (`unit` 1). */
  epoch(key: string, unit: 1 | 1000): Date {
    const n = this.integer(key);
    const d = new Date(n * unit);
    if (d.getUTCFullYear() < 2000 || d.getUTCFullYear() > 2100)
      throw badPush(`${this.path(key)} is not a plausible time`);
    return d;
  }

  optEpoch(key: string, unit: 1 | 1000): Date | null {
    return this.has(key) && this.obj[key] !== 0 ? this.epoch(key, unit) : null;
  }

  status(key: string, statuses: Readonly<Record<string, OrderStatus>>): OrderStatus {
    const status = statuses[this.text(key)];
    if (!status) throw badPush(`${this.path(key)} is not a known order status`);
    return status;
  }
}

function parsed<T>(result: Parsed<T>, path: string): T {
  if (!result.ok) throw badPush(`${path}: ${result.reason}`);
  return result.value;
}
