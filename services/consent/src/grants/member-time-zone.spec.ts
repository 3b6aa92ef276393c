import { memberTimeZone } from './member-time-zone';

describe('the member time zone a consent page reports', () => {
  it('keeps an IANA zone the runtime knows', () => {
    expect(memberTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(memberTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(memberTimeZone('UTC')).toBe('UTC');
  });

  it('drops anything else instead of refusing the consent: absent, markup, an unknown zone', () => {
    for (const raw of [
      undefined,
      '',
      'asia/shanghai',
      '<script>',
      'Mars/Olympus_Mons',
      'Asia/Shanghai; DROP',
      42,
    ]) {
      expect(memberTimeZone(raw)).toBeUndefined();
    }
  });
});
