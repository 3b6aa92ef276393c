import type { ConsentModuleOptions } from '../consent.options';
import { DEFAULT_MEMBERSHIP_DAYS, MembershipShops } from './membership-shops';

const shops = (agreements: unknown) =>
  new MembershipShops({
    env: { MEMBERSHIP_AGREEMENTS: JSON.stringify(agreements) },
  } as unknown as ConsentModuleOptions);
const terms = { purposes: ['marketing_messages'], channels: ['sms'] };

describe('MembershipShops: the lifetime a shop agreement gives a join', () => {
  it('reads expiresAfterDays, defaults to two years, and keeps null as "until the member leaves"', () => {
    const s = shops({
      s1: { '1': { ...terms, expiresAfterDays: 365 }, '2': terms, '3': { ...terms, expiresAfterDays: null } },
    });
    expect(s.agreement('s1', '1')?.expiresAfterDays).toBe(365);
    expect(s.agreement('s1', '2')?.expiresAfterDays).toBe(DEFAULT_MEMBERSHIP_DAYS);
    expect(DEFAULT_MEMBERSHIP_DAYS).toBe(730);
    expect(s.agreement('s1', '3')?.expiresAfterDays).toBeNull();
  });

  it('refuses to start on a lifetime that is not a whole number of days from 1 to 36500', () => {
    for (const bad of [0, -5, 1.5, '730', 36_501])
      expect(() => shops({ s1: { '1': { ...terms, expiresAfterDays: bad } } })).toThrow(
        'MEMBERSHIP_AGREEMENTS: shop s1 version 1: expiresAfterDays must be a whole number of days',
      );
  });
});
