import { createHmac } from 'node:crypto';
import { BlindIndex } from './blind-index';
import { generateDataKey } from './envelope';
import { CryptoErrorCode } from './errors';

const withCode = (code: CryptoErrorCode, message = '') =>
  expect.objectContaining({ name: 'CryptoError', code, message: expect.stringContaining(message) });

describe('BlindIndex', () => {
  it('gives the same full 64-hex index for the same domain and value', () => {
    const key = generateDataKey();
    const a = new BlindIndex(key).compute('phone', '13800138000');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(new BlindIndex(Buffer.from(key)).compute('phone', '13800138000')).toBe(a);
  });

  it('is HMAC-SHA256 of domain, NUL, trimmed value, so stored indexes stay valid across releases', () => {
    const key = generateDataKey();
    const expected = createHmac('sha256', key).update('phone\u000013800138000').digest('hex');
    expect(new BlindIndex(key).compute('phone', '  13800138000\n')).toBe(expected);
  });

  it('gives different indexes for the same value in different domains', () => {
    const index = new BlindIndex(generateDataKey());
    expect(index.compute('phone', '13800138000')).not.toBe(index.compute('wechat-openid', '13800138000'));
    expect(index.compute('ab', 'c')).not.toBe(index.compute('a', 'bc'));
  });

  it('gives unrelated indexes under different keys', () => {
    const value = 'tb-oaid-1234567890';
    expect(new BlindIndex(generateDataKey()).compute('oaid', value)).not.toBe(
      new BlindIndex(generateDataKey()).compute('oaid', value),
    );
  });

  it('uses the same construction for pseudonyms of platform buyer ids', () => {
    const index = new BlindIndex(generateDataKey());
    expect(index.pseudonym('douyin-open-id', 'oX1')).toBe(index.compute('douyin-open-id', 'oX1'));
  });

  it('rejects an empty value, an empty domain and a domain containing NUL', () => {
    const index = new BlindIndex(generateDataKey());
    for (const [domain, value] of [
      ['phone', '   '],
      ['', 'x'],
      ['a\u0000b', 'x'],
    ]) {
      expect(() => index.compute(domain, value)).toThrow(withCode(CryptoErrorCode.INVALID_ARGUMENT));
    }
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => BlindIndex.fromBase64(Buffer.alloc(31).toString('base64'))).toThrow(
      withCode(CryptoErrorCode.INVALID_KEY),
    );
  });
});
