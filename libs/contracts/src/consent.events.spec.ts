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

describe('consent.granted.v1 WeChat and WeCom contact points and the member time zone', () => {
  const ring = loadContactKeys({ CONTACT_KEYS: `k20260101:${generateKeyMaterial()}` });

  it('carries a sealed openid for WeChat, a sealed WeCom contact and an IANA time zone', () => {
    const e = {
      ...granted(ring.seal('13912345678', 'x')),
      channels: ['sms', 'wechat', 'wecom'],
      timeZone: 'Asia/Shanghai',
    };
    e.contactPoints = [
      { channel: 'sms', sealed: ring.seal('13912345678', 'x') },
      { channel: 'wechat', sealed: ring.seal('oLVPpjqs9BhvzwPj5A-vTYAX3GLc', 'x') },
      { channel: 'wecom', sealed: ring.seal('{"externalUserId":"wm1","staffUserId":"zhangsan"}', 'x') },
    ];
    expect(() => parseEvent(e)).not.toThrow();
  });

  it('still accepts an event without a time zone or WeChat/WeCom points (back-compatible)', () => {
    expect(() => parseEvent(granted(ring.seal('13912345678', 'x')))).not.toThrow();
  });

  it('refuses a contact point for a channel the grant does not cover, and two for one channel', () => {
    const sealed = ring.seal('oLVPpjqs9BhvzwPj5A-vTYAX3GLc', 'x');
    const notGranted = { ...granted(sealed), contactPoints: [{ channel: 'wechat', sealed }] };
    expect(() => parseEvent(notGranted)).toThrow(
      'contactPoints: each contact point must be for a distinct channel listed in channels',
    );
    const twice = {
      ...granted(sealed),
      contactPoints: [
        { channel: 'sms', sealed },
        { channel: 'sms', sealed },
      ],
    };
    expect(() => parseEvent(twice)).toThrow(EventValidationError);
  });

  it('refuses a time zone that is not an IANA name', () => {
    for (const timeZone of ['+08:00', 'asia/shanghai', 'Asia/Shanghai<script>']) {
      expect(() => parseEvent({ ...granted(ring.seal('13912345678', 'x')), timeZone })).toThrow(
        EventValidationError,
      );
    }
  });
});
