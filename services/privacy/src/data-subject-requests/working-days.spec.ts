import { addWorkingDays } from './working-days';

describe('addWorkingDays', () => {
  it('skips Saturdays and Sundays in Beijing time', () => {
    // Friday 10:00 Beijing = 02:00 UTC; one working day later is Monday.
    const friday = new Date('2026-12-04T02:00:00Z');
    expect(addWorkingDays(friday, 1).toISOString()).toBe('2026-12-07T02:00:00.000Z');
  });

  it('gives three calendar weeks for the default 15 working days from a Monday', () => {
    const monday = new Date('2026-12-07T02:00:00Z');
    expect(addWorkingDays(monday, 15).toISOString()).toBe('2026-12-28T02:00:00.000Z');
  });

  it('treats a late Friday UTC that is already Saturday in Beijing as a weekend day', () => {
    // 2026-12-04T17:00Z is Saturday 01:00 in Beijing: the next working day is Monday.
    const saturdayInBeijing = new Date('2026-12-04T17:00:00Z');
    expect(addWorkingDays(saturdayInBeijing, 1).toISOString()).toBe('2026-12-06T17:00:00.000Z');
  });
});
