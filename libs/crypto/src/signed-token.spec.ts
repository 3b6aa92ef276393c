import { randomBytes } from 'node:crypto';
import { generateDataKey } from './envelope';
import { CryptoErrorCode } from './errors';
import { TokenSigner, TokenSigningKey } from './signed-token';

const withCode = (code: CryptoErrorCode, message = '') =>
  expect.objectContaining({ name: 'CryptoError', code, message: expect.stringContaining(message) });

const signingKey = (kid: string) => new TokenSigningKey(kid, generateDataKey());
const issuedAt = new Date('2025-06-01T08:00:00Z');
const hour = { purpose: 'unsubscribe', expiresInSeconds: 3600, now: issuedAt };

function reencodePayload(token: string, edit: (body: Record<string, unknown>) => void): string {
  const [encoded, signature] = token.split('.');
  const body = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, unknown>;
  edit(body);
  return `${Buffer.from(JSON.stringify(body)).toString('base64url')}.${signature}`;
}

describe('TokenSigner', () => {
  it('returns the payload it signed, without the reserved p, e and k fields', () => {
    const signer = new TokenSigner(signingKey('t1'));
    const token = signer.sign({ m: 'mbr_8f3k2', c: 3 }, hour);
    expect(signer.verify(token, 'unsubscribe', issuedAt)).toEqual({ m: 'mbr_8f3k2', c: 3 });
  });

  it('is short enough for an SMS link or a small QR code', () => {
    const token = new TokenSigner(signingKey('t1')).sign(
      { i: 'inv_01J9ZQ4M7X' },
      { ...hour, purpose: 'qr-invite' },
    );
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(token.length).toBeLessThan(120);
  });

  it('refuses a token signed for another purpose', () => {
    const signer = new TokenSigner(signingKey('t1'));
    const invite = signer.sign({ i: 'inv_1' }, { ...hour, purpose: 'qr-invite' });
    expect(() => signer.verify(invite, 'unsubscribe', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_WRONG_PURPOSE, '"qr-invite"'),
    );
  });

  it('accepts a token until the second before expiry and refuses it from the expiry second on', () => {
    const signer = new TokenSigner(signingKey('t1'));
    const token = signer.sign({ m: 'mbr_1' }, hour);
    const at = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);
    expect(signer.verify(token, 'unsubscribe', at(3599))).toEqual({ m: 'mbr_1' });
    expect(() => signer.verify(token, 'unsubscribe', at(3600))).toThrow(
      withCode(CryptoErrorCode.TOKEN_EXPIRED),
    );
    expect(() => signer.verify(token, 'unsubscribe', at(86400))).toThrow(
      withCode(CryptoErrorCode.TOKEN_EXPIRED),
    );
  });

  it.each([
    ['a payload value', (b: Record<string, unknown>) => (b.m = 'mbr_2')],
    ['the expiry', (b: Record<string, unknown>) => (b.e = (b.e as number) + 86400)],
    ['the purpose', (b: Record<string, unknown>) => (b.p = 'qr-invite')],
  ])('refuses a token whose %s was edited', (_what, edit) => {
    const signer = new TokenSigner(signingKey('t1'));
    const forged = reencodePayload(signer.sign({ m: 'mbr_1' }, hour), edit);
    expect(() => signer.verify(forged, 'qr-invite', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_BAD_SIGNATURE),
    );
  });

  it('refuses a token with a made-up signature', () => {
    const signer = new TokenSigner(signingKey('t1'));
    const [encoded] = signer.sign({ m: 'mbr_1' }, hour).split('.');
    const forged = `${encoded}.${randomBytes(16).toString('base64url')}`;
    expect(() => signer.verify(forged, 'unsubscribe', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_BAD_SIGNATURE),
    );
  });

  it('refuses a token signed by another key that claims the same kid', () => {
    const forged = new TokenSigner(signingKey('t1')).sign({ m: 'mbr_1' }, hour);
    expect(() => new TokenSigner(signingKey('t1')).verify(forged, 'unsubscribe', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_BAD_SIGNATURE),
    );
  });

  it('refuses a token signed with a kid it does not know', () => {
    const token = new TokenSigner(signingKey('t9')).sign({ m: 'mbr_1' }, hour);
    expect(() => new TokenSigner(signingKey('t1')).verify(token, 'unsubscribe', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_UNKNOWN_KEY, '"t9"'),
    );
  });

  it('after rotation, signs with the new key and still verifies tokens already sent out under the old one', () => {
    const oldKey = signingKey('t1');
    const newKey = signingKey('t2');
    const sentBefore = new TokenSigner(oldKey).sign({ m: 'mbr_1' }, hour);
    const rotated = new TokenSigner(newKey, [oldKey]);
    const sentAfter = rotated.sign({ m: 'mbr_2' }, hour);

    expect(rotated.verify(sentBefore, 'unsubscribe', issuedAt)).toEqual({ m: 'mbr_1' });
    expect(rotated.verify(sentAfter, 'unsubscribe', issuedAt)).toEqual({ m: 'mbr_2' });
    expect(new TokenSigner(newKey).verify(sentAfter, 'unsubscribe', issuedAt)).toEqual({ m: 'mbr_2' });
    expect(() => new TokenSigner(newKey).verify(sentBefore, 'unsubscribe', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_UNKNOWN_KEY),
    );
  });

  it.each([
    ['an empty string', ''],
    ['a single part', 'abc'],
    ['three parts', 'a.b.c'],
    ['characters outside base64url', 'ab+/.cd=='],
    ['a payload that is not JSON', `${Buffer.from('hello').toString('base64url')}.${'A'.repeat(22)}`],
    ['a payload without p, e, k', `${Buffer.from('{"m":"x"}').toString('base64url')}.${'A'.repeat(22)}`],
    [
      'a nested payload value',
      `${Buffer.from('{"p":"x","e":1,"k":"t1","m":{}}').toString('base64url')}.AAAA`,
    ],
  ])('refuses %s as malformed', (_what, token) => {
    const signer = new TokenSigner(signingKey('t1'));
    expect(() => signer.verify(token, 'unsubscribe', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_MALFORMED),
    );
  });

  it('refuses a signature re-encoded with different padding bits, so each token has one spelling', () => {
    const signer = new TokenSigner(signingKey('t1'));
    const token = signer.sign({ m: 'mbr_1' }, hour);
    const last = token.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last of 22 base64url chars carries 4 unused bits; only the canonical spelling is accepted.
    const variant = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(() => signer.verify(variant, 'unsubscribe', issuedAt)).toThrow(
      withCode(CryptoErrorCode.TOKEN_MALFORMED),
    );
  });

  it('refuses reserved payload keys, an empty purpose and a lifetime that is not a positive integer', () => {
    const signer = new TokenSigner(signingKey('t1'));
    const invalid = withCode(CryptoErrorCode.INVALID_ARGUMENT);
    expect(() => signer.sign({ p: 'x' }, hour)).toThrow(invalid);
    expect(() => signer.sign({ k: 'x' }, hour)).toThrow(invalid);
    expect(() => signer.sign({ m: Number.NaN }, hour)).toThrow(invalid);
    expect(() => signer.sign({ m: 'x' }, { ...hour, purpose: '' })).toThrow(invalid);
    expect(() => signer.sign({ m: 'x' }, { ...hour, expiresInSeconds: 0 })).toThrow(invalid);
    expect(() => signer.sign({ m: 'x' }, { ...hour, expiresInSeconds: 1.5 })).toThrow(invalid);
  });
});
