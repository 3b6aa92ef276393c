import { inspect } from 'node:util';
import { CryptoErrorCode } from './errors';
import { asSealed, generateDataKey, isSealed, KeyEncryptionKey, KeyRing, open, seal } from './envelope';

const withCode = (code: CryptoErrorCode, message = '') =>
  expect.objectContaining({ name: 'CryptoError', code, message: expect.stringContaining(message) });

function flipFirstByte(value: string, partIndex: number): string {
  const parts = value.split('.');
  const bytes = Buffer.from(parts[partIndex], 'base64url');
  bytes[0] ^= 0x01;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

const kek = (kid: string) => new KeyEncryptionKey(kid, generateDataKey());

describe('seal / open', () => {
  it('opens what it sealed, including empty, non-ASCII and long text', () => {
    const key = generateDataKey();
    for (const text of ['', '张三 13800138000', '浙江省杭州市西湖区'.repeat(200)]) {
      expect(open(key, seal(key, text))).toBe(text);
    }
  });

  it('writes s1.<iv>.<tag>.<ct> in base64url with a fresh IV each time', () => {
    const key = generateDataKey();
    const a = seal(key, 'same text');
    const b = seal(key, 'same text');
    expect(a).toMatch(/^s1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same text');
  });

  it.each([
    ['iv', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ])('refuses a sealed value whose %s had a byte flipped', (_part, index) => {
    const key = generateDataKey();
    const tampered = asSealed(flipFirstByte(seal(key, '13800138000'), index));
    expect(() => open(key, tampered)).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
  });

  it('refuses to open with another data key', () => {
    const sealed = seal(generateDataKey(), 'secret');
    expect(() => open(generateDataKey(), sealed)).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
  });

  it('refuses to open with different or missing associated data, so values cannot move between rows', () => {
    const key = generateDataKey();
    const sealed = seal(key, '13800138000', 'order:o_1:phone');
    expect(open(key, sealed, 'order:o_1:phone')).toBe('13800138000');
    expect(() => open(key, sealed, 'order:o_2:phone')).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
    expect(() => open(key, sealed)).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
  });

  it('never puts the plaintext into the error message', () => {
    const key = generateDataKey();
    const sealed = seal(key, '13800138000');
    expect(() => open(generateDataKey(), sealed)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('13800138000') }),
    );
  });

  it('refuses a truncated authentication tag as malformed instead of checking fewer bytes', () => {
    const key = generateDataKey();
    const [prefix, iv, tag, ct] = seal(key, 'secret').split('.');
    const shortTag = Buffer.from(tag, 'base64url').subarray(0, 12).toString('base64url');
    const truncated = [prefix, iv, shortTag, ct].join('.') as ReturnType<typeof seal>;
    expect(() => open(key, truncated)).toThrow(withCode(CryptoErrorCode.MALFORMED_CIPHERTEXT));
  });

  it('rejects a data key that is not 32 bytes', () => {
    expect(() => seal(Buffer.alloc(16), 'x')).toThrow(withCode(CryptoErrorCode.INVALID_KEY));
  });

  it('tells sealed values from plaintext when reading them back from storage', () => {
    const sealed: string = seal(generateDataKey(), 'x');
    expect(isSealed(sealed)).toBe(true);
    expect(isSealed('13800138000')).toBe(false);
    expect(asSealed<'phone'>(sealed)).toBe(sealed);
    expect(() => asSealed('13800138000')).toThrow(withCode(CryptoErrorCode.MALFORMED_CIPHERTEXT));
  });

  it('does not accept plaintext where a sealed value is expected', () => {
    // @ts-expect-error a plain string is not Sealed (R16: PII is a type)
    expect(() => open(generateDataKey(), 'plain text')).toThrow(
      withCode(CryptoErrorCode.MALFORMED_CIPHERTEXT),
    );
  });
});

describe('KeyEncryptionKey', () => {
  it('is built from a base64 32-byte key and rejects other lengths, naming the kid', () => {
    expect(KeyEncryptionKey.fromBase64('k1', Buffer.alloc(32, 7).toString('base64')).kid).toBe('k1');
    expect(() => KeyEncryptionKey.fromBase64('k1', Buffer.alloc(24).toString('base64'))).toThrow(
      withCode(CryptoErrorCode.INVALID_KEY, '"k1" must be 32 bytes, got 24'),
    );
  });

  it('rejects base64 with stray characters rather than silently decoding part of it', () => {
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(() => KeyEncryptionKey.fromBase64('k1', `${b64}!`)).toThrow(withCode(CryptoErrorCode.INVALID_KEY));
  });

  it('rejects kids that would break the wrapped-key or env formats', () => {
    for (const kid of ['', 'a.b', 'a:b', 'a,b', 'x'.repeat(33)]) {
      expect(() => kek(kid)).toThrow(withCode(CryptoErrorCode.INVALID_KEY));
    }
  });

  it('does not reveal key material when logged or serialised', () => {
    const raw = generateDataKey();
    const key = new KeyEncryptionKey('k1', raw);
    const shown = inspect(key, { depth: 5, showHidden: true }) + JSON.stringify(key);
    expect(shown).not.toContain(raw.toString('base64'));
    expect(shown).not.toContain(raw.toString('hex'));
  });
});

describe('KeyRing', () => {
  it('unwraps what it wrapped to the same data key, labelled with the current kid', () => {
    const ring = new KeyRing(kek('2025-01'));
    const dataKey = generateDataKey();
    const wrapped = ring.wrap(dataKey);
    expect(wrapped).toMatch(/^v1\.2025-01\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(ring.unwrap(wrapped).equals(dataKey)).toBe(true);
  });

  it('refuses a wrapped key whose kid is not in the ring, saying which kid', () => {
    const wrapped = new KeyRing(kek('gone')).wrap(generateDataKey());
    expect(() => new KeyRing(kek('k2')).unwrap(wrapped)).toThrow(
      withCode(CryptoErrorCode.UNKNOWN_KEY, '"gone"'),
    );
  });

  it('refuses a wrapped key with a flipped byte', () => {
    const ring = new KeyRing(kek('k1'));
    const tampered = flipFirstByte(ring.wrap(generateDataKey()), 4);
    expect(() => ring.unwrap(tampered)).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
  });

  it('refuses a wrapped key relabelled with another kid of the ring', () => {
    const ring = new KeyRing(kek('k2'), [kek('k1')]);
    const relabelled = ring.wrap(generateDataKey()).replace(/^v1\.k2\./, 'v1.k1.');
    expect(() => ring.unwrap(relabelled)).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
  });

  it('rejects malformed wrapped keys', () => {
    const ring = new KeyRing(kek('k1'));
    for (const bad of ['', 'v1.k1', 'v2.k1.a.b.c', seal(generateDataKey(), 'x')]) {
      expect(() => ring.unwrap(bad)).toThrow(withCode(CryptoErrorCode.MALFORMED_CIPHERTEXT));
    }
  });

  it('rejects two keys with the same kid', () => {
    expect(() => new KeyRing(kek('k1'), [kek('k1')])).toThrow(withCode(CryptoErrorCode.INVALID_KEY));
  });

  it('rotates: rewrap moves a data key to the new KEK and the data sealed with it still opens', () => {
    const oldKek = kek('k1');
    const newKek = kek('k2');
    const oldRing = new KeyRing(oldKek);
    const dataKey = generateDataKey();
    const sealed = seal(dataKey, '张三', 'order:o_1:name');
    const wrapped = oldRing.wrap(dataKey);

    const rotatingRing = new KeyRing(newKek, [oldKek]);
    expect(rotatingRing.needsRewrap(wrapped)).toBe(true);
    const rewrapped = rotatingRing.rewrap(wrapped);
    expect(rotatingRing.needsRewrap(rewrapped)).toBe(false);
    expect(rewrapped.startsWith('v1.k2.')).toBe(true);

    const newOnlyRing = new KeyRing(newKek);
    expect(open(newOnlyRing.unwrap(rewrapped), sealed, 'order:o_1:name')).toBe('张三');
    expect(() => newOnlyRing.unwrap(wrapped)).toThrow(withCode(CryptoErrorCode.UNKNOWN_KEY));
    expect(() => oldRing.unwrap(rewrapped)).toThrow(withCode(CryptoErrorCode.UNKNOWN_KEY));
  });
});
