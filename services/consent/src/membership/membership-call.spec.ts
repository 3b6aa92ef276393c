import { joinedUnder14, readMembershipCall } from './membership-call';

const call = (body: Record<string, unknown>) =>
  readMembershipCall('jd', 'bind', 'shop-1', {
    request_id: 'r1',
    open_id: 'o1',
    agreement_version: '3',
    ...body,
  });
// 2026-06-01 10:00 China time.
const JOIN = Math.floor(Date.parse('2026-06-01T02:00:00Z') / 1000);

describe('the age a platform membership call carries (R2, PIPL Art. 31)', () => {
  it('reads a birth date in the forms platforms send, and an age', () => {
    expect(call({ birthday: '2012-06-02' }).birthDate).toBe('2012-06-02');
    expect(call({ birthday: '2012/06/02' }).birthDate).toBe('2012-06-02');
    expect(call({ birth_date: '20120602' }).birthDate).toBe('2012-06-02');
    expect(call({ age: 13 }).age).toBe(13);
    expect(call({ age: '13' }).age).toBe(13);
    expect(call({}).birthDate).toBeUndefined();
    expect(call({ birthday: '' }).age).toBeUndefined();
  });

  it('counts a member under 14 until their 14th birthday, on the join day in China time', () => {
    expect(joinedUnder14(call({ birthday: '2012-06-02', join_time: JOIN }))).toBe(true);
    expect(joinedUnder14(call({ birthday: '2012-06-01', join_time: JOIN }))).toBe(false);
    // 2026-05-31 20:00 UTC is already 1 June in China: the birthday has come.
    const lateUtc = Math.floor(Date.parse('2026-05-31T20:00:00Z') / 1000);
    expect(joinedUnder14(call({ birthday: '2012-06-01', join_time: lateUtc }))).toBe(false);
    expect(joinedUnder14(call({ age: 13 }))).toBe(true);
    expect(joinedUnder14(call({ age: 14 }))).toBe(false);
  });

  it('treats an unknown age as the consent pages do: 14 or older', () => {
    expect(joinedUnder14(call({}))).toBe(false);
  });

  it('refuses a birth date or age it cannot read, naming the field and never echoing the value', () => {
    for (const birthday of ['2012-13-01', '2012-02-30', '01/06/2012', 'yesterday', 20120602, '2999-01-01'])
      expect(() => call({ birthday })).toThrow(
        expect.objectContaining({
          code: 'MEMBERSHIP_BODY_INVALID',
          message: 'birthday must be a past date as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD',
        }),
      );
    for (const age of [-1, 13.5, '13 years', 151])
      expect(() => call({ age })).toThrow('age must be a whole number of years, 0 to 150');
  });
});
