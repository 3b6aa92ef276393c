import { randomBytes } from 'node:crypto';
import { CryptoErrorCode } from './errors';
import { SealedBoxRecipient, sealToRecipient } from './sealed-box';

describe('sealed box', () => {
  it('opens for the recipient only, in the context it was sealed for', () => {
    const recipient = SealedBoxRecipient.generate();
    const box = sealToRecipient(recipient, '{"phone":"13912345678"}', 'challenge-1');
    expect(box).not.toContain('13912345678');
    expect(recipient.open(box, 'challenge-1')).toBe('{"phone":"13912345678"}');
    expect(() => recipient.open(box, 'challenge-2')).toThrow(
      expect.objectContaining({ code: CryptoErrorCode.DECRYPT_FAILED }),
    );
    const other = SealedBoxRecipient.generate();
    expect(() => other.open(box, 'challenge-1')).toThrow(
      expect.objectContaining({ code: CryptoErrorCode.UNKNOWN_KEY }),
    );
  });

  it('derives the same key pair from the same secret and label, another from another label', () => {
    const secret = randomBytes(32);
    const a = SealedBoxRecipient.derivedFrom(secret, 'requester');
    expect(SealedBoxRecipient.derivedFrom(secret, 'requester').publicKey).toBe(a.publicKey);
    expect(SealedBoxRecipient.derivedFrom(secret, 'other').publicKey).not.toBe(a.publicKey);
    const box = sealToRecipient({ kid: a.kid, publicKey: a.publicKey }, 'x', 'ctx');
    expect(SealedBoxRecipient.derivedFrom(secret, 'requester').open(box, 'ctx')).toBe('x');
  });

  it('refuses a tampered box', () => {
    const recipient = SealedBoxRecipient.generate();
    const box = sealToRecipient(recipient, 'hello', 'ctx');
    const parts = box.split('.');
    parts[5] = Buffer.from('jello').toString('base64url');
    expect(() => recipient.open(parts.join('.'), 'ctx')).toThrow(
      expect.objectContaining({ code: CryptoErrorCode.DECRYPT_FAILED }),
    );
  });
});
