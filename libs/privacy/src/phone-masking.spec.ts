import { isMaskedPhone, maskPhone } from './phone-masking';

describe('phone masking (R1)', () => {
  it.each(['138****5678', '*******5552', '+86 138****5678', '138-****-5678'])('%p is a masked phone', (v) =>
    expect(isMaskedPhone(v)).toBe(true),
  );

  it.each(['13812345678', '138*5678', '', 'abc****1234', '***', '0571-88886666'])(
    '%p is not a masked phone',
    (v) => expect(isMaskedPhone(v)).toBe(false),
  );

  it('masks a mainland mobile to its first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('138****5678');
  });

  it('masks any other number to its last four digits', () => {
    expect(maskPhone('0571-88886666')).toBe('********6666');
    expect(maskPhone('12345')).toBe('*****');
  });

  it('produces values isMaskedPhone recognises', () => {
    expect(isMaskedPhone(maskPhone('19987654321'))).toBe(true);
    expect(isMaskedPhone(maskPhone('02188887777'))).toBe(true);
  });
});
