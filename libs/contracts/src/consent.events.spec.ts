import { randomUUID } from 'node:crypto';
import { generateKeyMaterial, loadContactKeys } from '@siyu/crypto';
import { EventValidationError, parseEvent } from './validate';

function granted(sealed: string) {
  const subjectRef = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'consent.granted.v1',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    subjectRef,
    brandId: 'demo',
    purposes: ['marketing_messages'],
    channels: ['sms'],
    contactPoints: [{ channel: 'sms', sealed }],
    noticeVersionHash: 'a'.repeat(64),
    door: 'parcel_qr',
    evidenceRef: randomUUID(),
    link: {},
    ledgerSeq: 1,
    effectiveAt: new Date().toISOString(),
  };
}

describe('consent.granted.v1 contact points', () => {
  it('accepts a value sealed under a CONTACT_KEYS kid and one sealed under the legacy CONTACT_KEY', () => {
    const ring = loadContactKeys({ CONTACT_KEYS: `k20260101:${generateKeyMaterial()}` });
    const legacy = loadContactKeys({ CONTACT_KEY: generateKeyMaterial() });
    for (const sealed of [ring.seal('13912345678', 'x'), legacy.seal('13912345678', 'x')]) {
      expect(() => parseEvent(granted(sealed))).not.toThrow();
    }
  });

  it('refuses a phone, an openid or a value that only looks sealed', () => {
    const iv = 'A'.repeat(16);
    const tag = 'B'.repeat(22);
    for (const value of [
      '13912345678',
      'oLVPpjqs9BhvzwPj5A-vTYAX3GLc',
      `c1.${iv}.${tag}.ct`, // no kid
      `c1.k1.13912345678.${tag}.ct`, // iv of the wrong length
      `c1.bad.kid.${iv}.${tag}.ct`,
      `v1.k1.${iv}.${tag}.ct`,
    ]) {
      expect(() => parseEvent(granted(value))).toThrow(EventValidationError);
    }
  });
});
