import { detectUnmaskedPii } from '@siyu/privacy';

/**
 * Field names whose values are personal data or secrets (R1, R16): their values never reach a log
 * line, whatever code passes them in. Compared case-insensitively, ignoring `_` and `-`.
 */
export const REDACTED_FIELDS = [
  'name',
  'receivername',
  'buyername',
  'buyernick',
  'buyerid',
  'nickname',
  'phone',
  'mobile',
  'tel',
  'receiverphone',
  'receivermobile',
  'contact',
  'contactpoint',
  'email',
  'address',
  'receiveraddress',
  'detailaddress',
  'idcard',
  'residentid',
  'openid',
  'unionid',
  'externaluserid',
  'oaid',
  'ouid',
  'code',
  'otp',
  'password',
  'token',
  'authorization',
  'cookie',
  'secret',
] as const;

const REDACTED = new Set<string>(REDACTED_FIELDS);
const normalise = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

/** A copy of `value` with every listed field's value replaced (nested objects and arrays too). */
export function redactFields(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactFields(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = REDACTED.has(normalise(k)) ? '[redacted]' : redactFields(v, depth + 1);
  }
  return out;
}

// A masked mainland mobile (`139****5678`) is still personal data (R1): the detector leaves it
// alone (it reports unmasked data), so log lines mask it further, to `1**********`.
const MASKED_MOBILE = /(?<!\d)1[3-9]\d[*＊]{4}\d{4}(?!\d)/g;

/** Replaces partly masked phone numbers in free text (messages) by a fully masked one. */
export function maskPartialPhones(text: string): string {
  return text.replace(MASKED_MOBILE, '1**********');
}

/**
 * Last line of defence: a finished log line in which the PII detector still finds an unmasked phone,
 * resident id or e-mail address is replaced by a line saying so (kinds only, never the value).
 */
export function withholdDetectedPii(line: string): { line: string; withheld: string[] } {
  const kinds = detectUnmaskedPii(line);
  return kinds.length === 0 ? { line, withheld: [] } : { line: '', withheld: kinds };
}
