const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The moment `days` working days (Monday–Friday, Beijing time) after `from`. Public holidays and
 * 调休 make-up days are not modelled: the deadline is never later than the legal one would be.
 */
export function addWorkingDays(from: Date, days: number): Date {
  // Step in Beijing time (UTC+8, no DST) so "Saturday" means the customer's Saturday.
  const offset = 8 * 60 * 60 * 1000;
  let t = from.getTime();
  let left = days;
  while (left > 0) {
    t += DAY_MS;
    const weekday = new Date(t + offset).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return new Date(t);
}
