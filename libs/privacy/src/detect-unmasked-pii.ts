import type { PiiKind } from './pii-kinds';

// Mainland mobile: 1[3-9] + 9 digits, not part of a longer digit run (order ids and tracking
// numbers are long digit runs). An explicit +86 prefix still counts; spaced or dashed 3-4-4
// groups count too. A number followed by an extension (`-1234`, `转1234`) is a platform virtual
// number, which is masked data under R1 and not reported as unmasked.
const MOBILE =
  /(?:(?<=\+86[\s-]?)|(?<![\d]))1[3-9]\d(?:\d{8}|[\s-]\d{4}[\s-]\d{4})(?![\d])(?![-#转]\d{1,6}(?!\d))/;

// 18-character resident identity number: 6-digit region, 8-digit birth date, 3-digit sequence,
// check character (GB 11643-1999, ISO 7064 MOD 11-2). Not part of a longer alphanumeric run.
const RESIDENT_ID_CANDIDATE = /(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])/g;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

// A masked local part (`ab***@qq.com`) is not an address: `*` may not precede the match.
const EMAIL =
  /(?<![A-Za-z0-9._%+*-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/;

/**
 * Which kinds of unmasked personal data `text` contains (R1, R4: ingest reports them per column).
 * Returns kinds only, never the matched values, in `PII_KINDS` order.
 */
export function detectUnmaskedPii(text: string): PiiKind[] {
  if (text.length === 0) return NOTHING;
  // Every cell of every row is scanned (a million-row import: ~20 million cells), most of them
  // names, amounts and short codes: one pass over the digits rules out the regexes they cannot match.
  let digits = 0;
  let run = 0;
  let longestRun = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      if (++run > longestRun) longestRun = run;
    } else run = 0;
  }
  // Checked in PII_KINDS order; nothing is allocated for a clean cell (most of ~20 million).
  let found: PiiKind[] | undefined;
  if (digits >= 11 && MOBILE.test(text)) (found ??= []).push('mobile_phone');
  if (longestRun >= 17 && containsResidentId(text)) (found ??= []).push('resident_id');
  if (text.includes('@') && EMAIL.test(text)) (found ??= []).push('email');
  return found ?? NOTHING;
}

/** The answer for a clean text: one shared, frozen array (a caller that tried to add to it would throw). */
const NOTHING = Object.freeze([]) as unknown as PiiKind[];

export function isValidResidentId(candidate: string): boolean {
  if (!/^[1-9]\d{16}[\dXx]$/.test(candidate)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(candidate[i]) * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== candidate[17].toUpperCase()) return false;
  return isBirthDate(candidate.slice(6, 14));
}

function containsResidentId(text: string): boolean {
  for (const match of text.matchAll(RESIDENT_ID_CANDIDATE)) {
    if (isValidResidentId(match[0])) return true;
  }
  return false;
}

// The date check keeps long order numbers that happen to pass the checksum (1 in 11) out.
function isBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
