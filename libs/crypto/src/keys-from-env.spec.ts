import { generateDataKey, KeyEncryptionKey, KeyRing, open, seal } from './envelope';
import { CryptoErrorCode } from './errors';
import { generateKeyMaterial, loadBlindIndex, loadCryptoKeys, loadTokenSigner } from './keys-from-env';

const withCode = (code: CryptoErrorCode, message = '') =>
  expect.objectContaining({ name: 'CryptoError', code, message: expect.stringContaining(message) });

describe('loadCryptoKeys', () => {
  it('makes the first entry the current KEK and keeps the others for unwrapping', () => {
    const [current, older] = [generateKeyMaterial(), generateKeyMaterial()];
    const ring = loadCryptoKeys({ ORDERS_KEK: ` k2:${current} , k1:${older} ` }, 'ORDERS');
    expect(ring.current.kid).toBe('k2');
    expect(ring.kids).toEqual(['k2', 'k1']);

    const dataKey = generateDataKey();
    const wrappedByOld = new KeyRing(KeyEncryptionKey.fromBase64('k1', older)).wrap(dataKey);
    expect(ring.unwrap(wrappedByOld).equals(dataKey)).toBe(true);
    const sealed = seal(dataKey, 'x');
    expect(open(ring.unwrap(ring.wrap(dataKey)), sealed)).toBe('x');
  });

  it('names the missing variable', () => {
    expect(() => loadCryptoKeys({}, 'ORDERS')).toThrow(
      withCode(CryptoErrorCode.INVALID_KEY, 'ORDERS_KEK is not set'),
    );
    expect(() => loadCryptoKeys({ ORDERS_KEK: ' , ' }, 'ORDERS')).toThrow(
      withCode(CryptoErrorCode.INVALID_KEY),
    );
  });

  it('rejects an entry without a kid, or with a short key, without echoing the key material', () => {
    const material = generateKeyMaterial();
    const short = material.slice(0, 20);
    for (const value of [material, `k1:${short}`]) {
      expect(() => loadCryptoKeys({ ORDERS_KEK: value }, 'ORDERS')).toThrow(
        expect.objectContaining({
          code: CryptoErrorCode.INVALID_KEY,
          message: expect.not.stringContaining(short),
        }),
      );
    }
  });
});

describe('loadTokenSigner and loadBlindIndex', () => {
  it('read their own variables, separate from the KEK', () => {
    const env = {
      CONSENT_TOKEN_KEYS: `t2:${generateKeyMaterial()},t1:${generateKeyMaterial()}`,
      CONSENT_BLIND_INDEX_KEY: generateKeyMaterial(),
    };
    const signer = loadTokenSigner(env, 'CONSENT');
    const token = signer.sign({ m: 'mbr_1' }, { purpose: 'unsubscribe', expiresInSeconds: 60 });
    expect(signer.current.kid).toBe('t2');
    expect(signer.verify(token, 'unsubscribe')).toEqual({ m: 'mbr_1' });
    expect(loadBlindIndex(env, 'CONSENT').compute('phone', '13800138000')).toMatch(/^[0-9a-f]{64}$/);
    expect(() => loadBlindIndex({}, 'CONSENT')).toThrow(
      withCode(CryptoErrorCode.INVALID_KEY, 'CONSENT_BLIND_INDEX_KEY'),
    );
  });
});

describe('generateKeyMaterial', () => {
  it('returns a fresh base64 32-byte key each time', () => {
    const a = generateKeyMaterial();
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(a).not.toBe(generateKeyMaterial());
  });
});
