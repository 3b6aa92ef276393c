import { createHash } from 'node:crypto';
import { CryptoErrorCode } from './errors';
import { canonicalJson, CHAIN_GENESIS, chainHash, type ChainLink, verifyChain } from './hash-chain';

const withCode = (code: CryptoErrorCode) => expect.objectContaining({ name: 'CryptoError', code });

function buildChain(bodies: unknown[]): ChainLink[] {
  const links: ChainLink[] = [];
  for (const value of bodies) {
    const body = canonicalJson(value);
    links.push({ body, hash: chainHash(links.at(-1)?.hash ?? null, body) });
  }
  return links;
}

const events = [1, 2, 3, 4, 5].map((n) => ({ seq: n, subjectRef: `sub_${n}`, type: 'consent.granted' }));

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same string for the same value built in a different key order', () => {
    expect(canonicalJson({ purpose: 'marketing', at: 1, ref: 'r' })).toBe(
      canonicalJson({ ref: 'r', at: 1, purpose: 'marketing' }),
    );
  });

  it('writes Dates as ISO strings and omits undefined properties', () => {
    const at = new Date('2025-06-01T08:00:00.123Z');
    expect(canonicalJson({ at, note: undefined })).toBe('{"at":"2025-06-01T08:00:00.123Z"}');
  });

  it('escapes strings like JSON, so the output parses back to the same value', () => {
    const value = { text: '张三 "quoted"\n\u0000', list: [-0.5, 1e21] };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', BigInt(1)],
    ['a Map', new Map([['a', 1]])],
    ['a class instance', new (class Entity {})()],
    ['undefined at the top', undefined],
  ])('refuses %s instead of silently changing it', (_what, value) => {
    expect(() => canonicalJson(value)).toThrow(withCode(CryptoErrorCode.INVALID_ARGUMENT));
  });
});

describe('chainHash', () => {
  it('hashes the first entry on top of the genesis value', () => {
    const expected = createHash('sha256').update(`${CHAIN_GENESIS}\n{"a":1}`).digest('hex');
    expect(chainHash(null, '{"a":1}')).toBe(expected);
  });

  it('depends on the previous hash as well as the body', () => {
    const first = chainHash(null, 'a');
    expect(chainHash(first, 'b')).not.toBe(chainHash(null, 'b'));
    expect(chainHash(first, 'b')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a previous hash that is not 64 lowercase hex chars', () => {
    expect(() => chainHash('ABC', 'b')).toThrow(withCode(CryptoErrorCode.INVALID_ARGUMENT));
  });
});

describe('verifyChain', () => {
  it('reports an untouched chain as intact', () => {
    expect(verifyChain(buildChain(events))).toEqual({ intact: true });
  });

  it('detects an edited middle entry and points at it', () => {
    const links = buildChain(events);
    links[2] = { ...links[2], body: canonicalJson({ ...events[2], type: 'consent.withdrawn' }) };
    expect(verifyChain(links)).toEqual({ intact: false, brokenAt: 2 });
  });

  it('detects a middle entry edited and rehashed, at the entry after it', () => {
    const links = buildChain(events);
    const body = canonicalJson({ ...events[2], subjectRef: 'sub_other' });
    links[2] = { body, hash: chainHash(links[1].hash, body) };
    expect(verifyChain(links)).toEqual({ intact: false, brokenAt: 3 });
  });

  it('detects a deleted entry', () => {
    const links = buildChain(events);
    links.splice(1, 1);
    expect(verifyChain(links)).toEqual({ intact: false, brokenAt: 1 });
  });

  it('verifies a segment that starts mid-chain from its known previous hash', () => {
    const links = buildChain(events);
    expect(verifyChain(links.slice(3), links[2].hash)).toEqual({ intact: true });
    expect(verifyChain(links.slice(3))).toEqual({ intact: false, brokenAt: 0 });
  });
});
