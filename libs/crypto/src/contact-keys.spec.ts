import { ContactKey, ContactKeyRing } from './contact-keys';
import { generateDataKey, seal } from './envelope';
import { CryptoErrorCode } from './errors';
import { generateKeyMaterial, loadContactKeys } from './keys-from-env';

const withCode = (code: CryptoErrorCode, message = '') =>
  expect.objectContaining({ name: 'CryptoError', code, message: expect.stringContaining(message) });

const SUBJECT = '7d1f4b8e-2c1a-4f0e-9a51-3f3c1e0b9d21';
const PHONE = '13912345678';

describe('ContactKeyRing', () => {
  it('seals under the first CONTACT_KEYS entry as c1.<kid>.… and opens with the same subject ref', () => {
    const ring = loadContactKeys({ CONTACT_KEYS: `k2:${generateKeyMaterial()},k1:${generateKeyMaterial()}` });
    const sealed = ring.seal(PHONE, SUBJECT);
    expect(sealed).toMatch(/^c1\.k2\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain(PHONE);
    expect(ring.currentKid).toBe('k2');
    expect(ring.sealedUnder(sealed)).toBe('k2');
    expect(ring.open(sealed, SUBJECT)).toBe(PHONE);
    expect(() => ring.open(sealed, 'another-subject')).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
  });

  it('opens values sealed under an older kid still in the ring, and re-seals them under the current one', () => {
    const [older, newer] = [generateKeyMaterial(), generateKeyMaterial()];
    const before = loadContactKeys({ CONTACT_KEYS: `k1:${older}` });
    const sealed = before.seal(PHONE, SUBJECT);
    const after = loadContactKeys({ CONTACT_KEYS: `k2:${newer},k1:${older}` });
    expect(after.open(sealed, SUBJECT)).toBe(PHONE);
    expect(after.needsReseal(sealed)).toBe(true);
    const resealed = after.reseal(sealed, SUBJECT);
    expect(after.sealedUnder(resealed)).toBe('k2');
    expect(after.needsReseal(resealed)).toBe(false);
    expect(loadContactKeys({ CONTACT_KEYS: `k2:${newer}` }).open(resealed, SUBJECT)).toBe(PHONE);
  });

  it('refuses a value whose kid left the ring, naming the kid and never the value', () => {
    const sealed = loadContactKeys({ CONTACT_KEYS: `k1:${generateKeyMaterial()}` }).seal(PHONE, SUBJECT);
    const ring = loadContactKeys({ CONTACT_KEYS: `k2:${generateKeyMaterial()}` });
    let caught: unknown;
    try {
      ring.open(sealed, SUBJECT);
    } catch (err) {
      caught = err;
    }
    expect(caught).toEqual(
      withCode(CryptoErrorCode.UNKNOWN_KEY, '"k1", which is not in CONTACT_KEYS (have: k2)'),
    );
    expect((caught as Error).message).not.toContain(sealed.split('.')[4]);
  });

  it('authenticates the kid label: a value relabelled with another kid of the ring does not open', () => {
    const ring = new ContactKeyRing([
      new ContactKey('k2', generateDataKey()),
      new ContactKey('k1', generateDataKey()),
    ]);
    const relabelled = ring.seal(PHONE, SUBJECT).replace(/^c1\.k2\./, 'c1.k1.');
    expect(() => ring.open(relabelled, SUBJECT)).toThrow(withCode(CryptoErrorCode.DECRYPT_FAILED));
  });

  it('refuses what is not a sealed contact point, plaintext included', () => {
    const ring = loadContactKeys({ CONTACT_KEYS: `k1:${generateKeyMaterial()}` });
    for (const value of [
      PHONE,
      'c1.k1.short.tag.ct',
      'c1..AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.',
      'v1.k1.a.b.c',
    ]) {
      expect(() => ring.open(value, SUBJECT)).toThrow(withCode(CryptoErrorCode.MALFORMED_CIPHERTEXT));
    }
  });
});

describe('tryReseal', () => {
  it('re-seals what it can open and names the key of what it cannot, without the value', () => {
    const [older, newer] = [generateKeyMaterial(), generateKeyMaterial()];
    const underOld = loadContactKeys({ CONTACT_KEYS: `k1:${older}` }).seal(PHONE, SUBJECT);
    const underGone = loadContactKeys({ CONTACT_KEYS: `k0:${generateKeyMaterial()}` }).seal(PHONE, SUBJECT);
    const ring = loadContactKeys({ CONTACT_KEYS: `k2:${newer},k1:${older}` });

    const done = ring.tryReseal(underOld, SUBJECT);
    expect('resealed' in done && ring.open(done.resealed, SUBJECT)).toBe(PHONE);
    expect(ring.tryReseal(underGone, SUBJECT)).toEqual({
      unopenable: { sealedUnder: 'k0', code: CryptoErrorCode.UNKNOWN_KEY },
    });
    expect(ring.tryReseal(underOld, 'another-subject')).toEqual({
      unopenable: { sealedUnder: 'k1', code: CryptoErrorCode.DECRYPT_FAILED },
    });
  });
});

describe('the legacy CONTACT_KEY', () => {
  it('alone keeps working as before: it seals s1.… values and opens them', () => {
    const legacy = generateKeyMaterial();
    const ring = loadContactKeys({ CONTACT_KEY: legacy });
    const sealed = ring.seal(PHONE, SUBJECT);
    expect(sealed).toMatch(/^s1\./);
    expect(ring.currentKid).toBeNull();
    expect(ring.currentPrefix).toBe('s1.');
    expect(ring.needsReseal(sealed)).toBe(false);
    // Byte-compatible with what the services sealed before the ring: the same key and AAD open it.
    const before = seal(Buffer.from(legacy, 'base64'), PHONE, SUBJECT);
    expect(ring.open(before, SUBJECT)).toBe(PHONE);
  });

  it('beside CONTACT_KEYS opens old s1 values while new ones are sealed under the listed kid', () => {
    const legacy = generateKeyMaterial();
    const old = loadContactKeys({ CONTACT_KEY: legacy }).seal(PHONE, SUBJECT);
    const ring = loadContactKeys({ CONTACT_KEY: legacy, CONTACT_KEYS: `k1:${generateKeyMaterial()}` });
    expect(ring.kids).toEqual(['k1', 'CONTACT_KEY']);
    expect(ring.currentPrefix).toBe('c1.k1.');
    expect(ring.open(old, SUBJECT)).toBe(PHONE);
    expect(ring.needsReseal(old)).toBe(true);
    const resealed = ring.reseal(old, SUBJECT);
    expect(resealed).toMatch(/^c1\.k1\./);
    expect(ring.open(resealed, SUBJECT)).toBe(PHONE);
  });

  it('once removed, an s1 value fails with an error that says the legacy key is missing', () => {
    const old = loadContactKeys({ CONTACT_KEY: generateKeyMaterial() }).seal(PHONE, SUBJECT);
    const ring = loadContactKeys({ CONTACT_KEYS: `k1:${generateKeyMaterial()}` });
    expect(() => ring.open(old, SUBJECT)).toThrow(
      withCode(CryptoErrorCode.UNKNOWN_KEY, 'legacy CONTACT_KEY, which is not set'),
    );
  });
});

describe('loadContactKeys configuration errors', () => {
  it('names the missing variables', () => {
    expect(() => loadContactKeys({})).toThrow(
      withCode(CryptoErrorCode.INVALID_KEY, 'CONTACT_KEYS is not set'),
    );
    expect(() => loadContactKeys({ CONTACT_KEYS: ' ', CONTACT_KEY: '' })).toThrow(
      withCode(CryptoErrorCode.INVALID_KEY, 'CONTACT_KEYS is not set'),
    );
  });

  it('names the bad entry by position or kid, never echoing key material', () => {
    const good = generateKeyMaterial();
    const short = generateKeyMaterial().slice(0, 20);
    const cases: [Record<string, string>, string][] = [
      [{ CONTACT_KEYS: `k1:${good},${good}` }, 'CONTACT_KEYS entry 2 is not "kid:base64"'],
      [{ CONTACT_KEYS: `k1:${good},k2:${short}` }, 'CONTACT_KEYS key "k2" must be 32 bytes'],
      [{ CONTACT_KEYS: `k1:${good},k2:not*base64` }, 'CONTACT_KEYS key "k2" is not valid base64'],
      [{ CONTACT_KEYS: `k1:${good},k1:${generateKeyMaterial()}` }, 'kid "k1" appears twice in CONTACT_KEYS'],
      [{ CONTACT_KEYS: `bad.kid:${good}` }, 'kid must match'],
      [{ CONTACT_KEY: short }, 'CONTACT_KEY (legacy) must be 32 bytes'],
      [{ CONTACT_KEY: `k1:${good}` }, 'put "kid:base64" entries in CONTACT_KEYS'],
    ];
    for (const [env, message] of cases) {
      let caught: unknown;
      try {
        loadContactKeys(env);
      } catch (err) {
        caught = err;
      }
      expect(caught).toEqual(withCode(CryptoErrorCode.INVALID_KEY, message));
      expect((caught as Error).message).not.toContain(good);
      expect((caught as Error).message).not.toContain(short);
    }
  });
});
