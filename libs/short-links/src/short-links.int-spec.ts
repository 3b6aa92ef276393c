import type { DataSource } from 'typeorm';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase } from '@siyu/testing';
import { followShortLink, type ShortLinkTarget } from './follow-short-link';
import { looksLikeShortCode, newShortCode, SHORT_CODE_BITS, SHORT_CODE_LENGTH } from './short-code';
import { ShortLinkRepository } from './short-link.repository';
import { ShortLinks1763900005000 } from './short-links.migration';

const target: ShortLinkTarget = {
  brandId: 'acme',
  longUrlFor: (link) => `https://brand.example/u/${link.claims.s}.${link.claims.c}`,
};
const inDays = (d: number) => new Date(Date.now() + d * 24 * 3600 * 1000);

describe('short links', () => {
  let ds: DataSource;
  const links = new ShortLinkRepository();

  beforeAll(async () => {
    ds = await openServiceDataSource({
      database: await provisionServiceDatabase(await createTestDatabase('shortlinks'), 'links'),
      entities: [],
      migrations: [ShortLinks1763900005000],
    });
  });
  afterAll(async () => ds?.destroy());

  it('makes codes of at least 96 random bits, in base62, that never repeat in 100,000 draws', () => {
    expect(SHORT_CODE_BITS).toBeGreaterThanOrEqual(96);
    const codes = new Set(Array.from({ length: 100_000 }, newShortCode));
    expect(codes.size).toBe(100_000);
    for (const c of [...codes].slice(0, 1000)) {
      expect(c).toHaveLength(SHORT_CODE_LENGTH);
      expect(looksLikeShortCode(c)).toBe(true);
    }
    // Every base62 character shows up about equally often (no modulo bias towards the first ones).
    const counts = new Map<string, number>();
    for (const c of codes) for (const ch of c) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (100_000 * SHORT_CODE_LENGTH) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.05);
  });

  it('issues one code per subject, channel and purpose: issuing again returns it and extends its life', async () => {
    const claims = { s: '4d7c0000-0000-4000-8000-000000000001', c: 'sms', u: 'marketing_messages' };
    const [first] = await links.issue(ds.manager, [
      { kind: 'unsubscribe', brandId: 'acme', claims, expiresAt: inDays(10) },
    ]);
    const [again, other] = await links.issue(ds.manager, [
      {
        kind: 'unsubscribe',
        brandId: 'acme',
        claims: { u: claims.u, c: claims.c, s: claims.s },
        expiresAt: inDays(400),
      },
      { kind: 'unsubscribe', brandId: 'acme', claims: { ...claims, c: 'wechat' }, expiresAt: inDays(400) },
    ]);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    const found = await links.find(ds.manager, first);
    expect(found!.expiresAt.getTime()).toBeGreaterThan(inDays(399).getTime());
    // A shorter life never shortens a link already out.
    await links.issue(ds.manager, [{ kind: 'unsubscribe', brandId: 'acme', claims, expiresAt: inDays(1) }]);
    expect((await links.find(ds.manager, first))!.expiresAt.getTime()).toBeGreaterThan(inDays(399).getTime());
  });

  it('issues thousands of links in a few statements and answers each request with its own code', async () => {
    const requests = Array.from({ length: 4500 }, (_, i) => ({
      kind: 'unsubscribe',
      brandId: 'acme',
      claims: { s: `bulk-${i}`, c: 'sms', u: 'marketing_messages' },
      expiresAt: inDays(30),
    }));
    const codes = await links.issue(ds.manager, [...requests, requests[7]]);
    expect(new Set(codes).size).toBe(4500);
    expect(codes[4500]).toBe(codes[7]);
    expect((await links.find(ds.manager, codes[1234]))!.claims).toEqual(requests[1234].claims);
  });

  it('redirects a live code, explains an expired one, and treats another kind, another brand or a made-up code alike as unknown', async () => {
    const claims = { s: 'subject-x', c: 'sms' };
    const [live] = await links.issue(ds.manager, [
      { kind: 'unsubscribe', brandId: 'acme', claims, expiresAt: inDays(1) },
    ]);
    const [card] = await links.issue(ds.manager, [
      { kind: 'parcel-card', brandId: 'acme', claims: { o: 'order-1' }, expiresAt: inDays(1) },
    ]);
    const [otherBrand] = await links.issue(ds.manager, [
      { kind: 'unsubscribe', brandId: 'zeta', claims, expiresAt: inDays(1) },
    ]);
    const [expired] = await links.issue(ds.manager, [
      {
        kind: 'unsubscribe',
        brandId: 'acme',
        claims: { s: 'subject-y', c: 'sms' },
        expiresAt: new Date(Date.now() - 1000),
      },
    ]);
    const follow = (code: string) => followShortLink(ds.manager, links, 'unsubscribe', target, code);

    expect(await follow(live)).toEqual({
      kind: 'redirect',
      location: 'https://brand.example/u/subject-x.sms',
    });
    expect(await follow(expired)).toEqual({ kind: 'expired' });
    expect(await follow(card)).toEqual({ kind: 'unknown' });
    expect(await follow(otherBrand)).toEqual({ kind: 'unknown' });
    expect(await follow(newShortCode())).toEqual({ kind: 'unknown' });
    expect(await follow("x' OR 1=1 --")).toEqual({ kind: 'unknown' });
  });

  it('deletes links 30 days after they expired, and keeps the ones that may still say "expired"', async () => {
    const [old, recent] = await links.issue(ds.manager, [
      { kind: 'purge', brandId: 'acme', claims: { o: 'old' }, expiresAt: inDays(-31) },
      { kind: 'purge', brandId: 'acme', claims: { o: 'recent' }, expiresAt: inDays(-29) },
    ]);
    expect(await links.deleteLongExpired(ds.manager)).toBeGreaterThanOrEqual(1);
    expect(await links.find(ds.manager, old)).toBeNull();
    expect(await links.find(ds.manager, recent)).not.toBeNull();
  });
});
