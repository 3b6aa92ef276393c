import { AUDIT_CHAINS, chainBaseUrlsFromEnv } from './audit-chains';

describe('where privacy finds each service audit verifier (R20)', () => {
  it('lists the consent ledger and the audit chain of every service that keeps one', () => {
    expect(AUDIT_CHAINS.map((c) => c.chain)).toEqual([
      'consent-ledger',
      'consent-audit',
      'orders-audit',
      'audience-audit',
      'outreach-audit',
      'privacy-audit',
    ]);
  });

  it('reads service=base-url pairs, dropping a trailing slash', () => {
    expect(chainBaseUrlsFromEnv('consent=http://consent:3002/, orders=https://orders.internal:3001')).toEqual(
      {
        consent: 'http://consent:3002',
        orders: 'https://orders.internal:3001',
      },
    );
    expect(chainBaseUrlsFromEnv(undefined)).toEqual({});
  });

  it('refuses an unknown service or a URL with a path, naming the entry', () => {
    expect(() => chainBaseUrlsFromEnv('identity=http://identity:3005')).toThrow(
      'PRIVACY_AUDIT_VERIFY_URLS: "identity" is not one of consent, orders, audience, outreach, privacy',
    );
    expect(() => chainBaseUrlsFromEnv('orders=http://orders:3001/api')).toThrow(
      '"orders=http://orders:3001/api" must be service=http(s)://host:port',
    );
    expect(() => chainBaseUrlsFromEnv('orders')).toThrow('"orders" must be service=http(s)://host:port');
  });
});
