import { detectUnmaskedPii, isValidResidentId } from './detect-unmasked-pii';

describe('detectUnmaskedPii (R1, R4)', () => {
  describe('mainland mobile numbers', () => {
    it.each([
      '13912345678',
      '收货人电话13912345678请尽快',
      '+8613912345678',
      '+86 139 1234 5678',
      '139-1234-5678',
      'tel:19912345678.',
    ])('finds a full mobile in %p', (text) => expect(detectUnmaskedPii(text)).toEqual(['mobile_phone']));

    it.each([
      ['a masked mobile', '138****5678'],
      ['a tail-only mask', '*******5552'],
      ['a Tmall order number', '3901234567890123451'],
      ['a 12-digit run', '139123456789'],
      ['a number preceded by digits', '013912345678'],
      ['a second-digit 2 prefix', '12912345678'],
      ['a platform virtual number with extension', '17012345678-1234'],
      ['a virtual number with 转', '17012345678转5678'],
      ['a date-time', '2026-11-01 10:00:00'],
      ['an amount', '1391234.56'],
    ])('ignores %s', (_, text) => expect(detectUnmaskedPii(text)).toEqual([]));
  });

  describe('resident identity numbers', () => {
    it('finds an 18-digit number whose MOD 11-2 check character is right', () => {
      expect(detectUnmaskedPii('身份证11010519491231002X报关用')).toEqual(['resident_id']);
      expect(detectUnmaskedPii('110105194912310021'.slice(0, 17) + '0')).toEqual([]);
    });

    it('accepts a lower-case x check character', () => {
      expect(isValidResidentId('11010519491231002x')).toBe(true);
    });

    it('rejects a wrong check character, an impossible birth date and longer runs', () => {
      expect(isValidResidentId('110105194912310021')).toBe(false);
      // Valid checksum, but 1949-13-31 is no date.
      const badDate = withCheck('11010519491331002');
      expect(isValidResidentId(badDate)).toBe(false);
      expect(detectUnmaskedPii(`9${'11010519491231002X'}`)).toEqual([]);
      expect(detectUnmaskedPii('A11010519491231002X')).toEqual([]);
    });

    it('finds an ID whose own check character is a digit', () => {
      const id = withCheck('44030419900307123');
      expect(detectUnmaskedPii(`no.${id}`)).toEqual(['resident_id']);
    });
  });

  describe('e-mail addresses', () => {
    it.each(['zhang.san@example.com', '邮箱:li_si+shop@mail.qq.com，谢谢'])('finds %p', (text) =>
      expect(detectUnmaskedPii(text)).toEqual(['email']),
    );

    it.each(['ab***@qq.com', 'a***b@163.com', '@handle', 'name@localhost'])('ignores %p', (text) =>
      expect(detectUnmaskedPii(text)).toEqual([]),
    );
  });

  it('reports every kind present, in PII_KINDS order, and never the values', () => {
    expect(detectUnmaskedPii('x@y.cn 11010519491231002X 13912345678')).toEqual([
      'mobile_phone',
      'resident_id',
      'email',
    ]);
  });

  it('returns nothing for empty text', () => {
    expect(detectUnmaskedPii('')).toEqual([]);
  });
});

function withCheck(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
