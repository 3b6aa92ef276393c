const MOBILE = /^1[3-9]\d{9}$/;

function compact(value: string): string {
  return value
    .trim()
    .replace(/[\s-]/g, '')
    .replace(/^\+?86(?=1[3-9]\d{9}$)/, '');
}

/**
 * A phone number as platforms mask it (R1: still personal, but not in clear): digits and at least
 * three `*`, with no more than seven digits visible — `138****5678`, `*******5552`.
 */
export function isMaskedPhone(value: string): boolean {
  const c = value
    .trim()
    .replace(/[\s-]/g, '')
    .replace(/^\+?86(?=[\d*]{11}$)/, '');
  if (!/^[\d*]{7,15}$/.test(c) || !/\*{3,}/.test(c)) return false;
  return (c.match(/\d/g)?.length ?? 0) <= 7;
}

/**
 * Masks a full number the way platforms do: a mainland mobile keeps its first three and last four
 * digits (`138****5678`); anything else keeps only its last four digits. Never returns the input.
 */
export function maskPhone(full: string): string {
  const c = compact(full);
  if (MOBILE.test(c)) return `${c.slice(0, 3)}****${c.slice(7)}`;
  const digits = c.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(Math.max(digits.length, 4));
  return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
