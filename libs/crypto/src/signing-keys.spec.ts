import { createPublicKey, verify } from 'node:crypto';
import { CryptoErrorCode } from './errors';
import { generateKeyMaterial, loadSigningKeys } from './keys-from-env';
import { generateSecretsEnv } from './secrets';

describe('SigningKeyRing (Ed25519 from LEDGER_ANCHOR_SIGNING_KEYS)', () => {
  it('signs with the first key and verifies what it signed, also with only the public key', () => {
    const ring = loadSigningKeys(generateSecretsEnv(), 'LEDGER_ANCHOR');
    const signed = ring.sign('head 57 abc');
    expect(ring.verify('head 57 abc', signed)).toBe(true);
    const publicKey = createPublicKey(ring.publicKeyPem(signed.kid));
    expect(
      verify(null, Buffer.from('head 57 abc'), publicKey, Buffer.from(signed.signature, 'base64url')),
    ).toBe(true);
  });

  it('refuses an altered message, an altered signature and an unknown kid', () => {
    const ring = loadSigningKeys({ X_SIGNING_KEYS: `k1:${generateKeyMaterial()}` }, 'X');
    const signed = ring.sign('head 57');
    expect(ring.verify('head 58', signed)).toBe(false);
    const flipped = Buffer.from(signed.signature, 'base64url');
    flipped[0] ^= 1;
    expect(ring.verify('head 57', { ...signed, signature: flipped.toString('base64url') })).toBe(false);
    expect(ring.verify('head 57', { ...signed, signature: 'not base64url!' })).toBe(false);
    expect(ring.verify('head 57', { ...signed, kid: 'k9' })).toBe(false);
  });

  it('keeps verifying with a previous key after rotation, and a different key never passes', () => {
    const [older, newer] = [generateKeyMaterial(), generateKeyMaterial()];
    const before = loadSigningKeys({ X_SIGNING_KEYS: `k1:${older}` }, 'X').sign('m');
    const rotated = loadSigningKeys({ X_SIGNING_KEYS: `k2:${newer},k1:${older}` }, 'X');
    expect(rotated.current.kid).toBe('k2');
    expect(rotated.verify('m', before)).toBe(true);
    const stranger = loadSigningKeys({ X_SIGNING_KEYS: `k1:${generateKeyMaterial()}` }, 'X').sign('m');
    expect(rotated.verify('m', stranger)).toBe(false);
  });

  it('names the missing variable and refuses a short seed without echoing it', () => {
    expect(() => loadSigningKeys({}, 'LEDGER_ANCHOR')).toThrow(
      expect.objectContaining({
        code: CryptoErrorCode.INVALID_KEY,
        message: 'LEDGER_ANCHOR_SIGNING_KEYS is not set',
      }),
    );
    const short = generateKeyMaterial().slice(0, 20);
    expect(() => loadSigningKeys({ X_SIGNING_KEYS: `k1:${short}` }, 'X')).toThrow(
      expect.objectContaining({
        code: CryptoErrorCode.INVALID_KEY,
        message: expect.not.stringContaining(short),
      }),
    );
  });
});
