import {
  normaliseCell,
  normaliseHeader,
  parseAmountCents,
  parseChinaTime,
  parsePositiveInteger,
  truncate,
} from './cell-values';

describe('export cell values', () => {
  it.each([
    ['收货地址 ', '收货地址'],
    ['  订单编号\t', '订单编号'],
    ['="订单编号"', '订单编号'],
    ['"联系手机"', '联系手机'],
    ['\uFEFF订单编号', '订单编号'],
    ['\u3000宝贝标题\u3000', '宝贝标题'],
  ])('normalises the header %p', (raw, expected) => expect(normaliseHeader(raw)).toBe(expected));

  it.each([
    ['="3901234567890123451"', '3901234567890123451'],
    ["'13912345678", '13912345678'],
    ['SF123\t', 'SF123'],
    ['  张** ', '张**'],
  ])('normalises the cell %p', (raw, expected) => expect(normaliseCell(raw)).toBe(expected));

  it.each([
    ['128.50', 12850],
    ['128.5', 12850],
    ['0', 0],
    ['¥89.90', 8990],
    ['￥1,280.00', 128000],
    ['12', 1200],
  ])('reads the amount %p as %p cents', (value, cents) =>
    expect(parseAmountCents(value)).toEqual({ ok: true, value: cents }),
  );

  it.each(['abc', '12.345', '-5.00', '1,28.00', '', '1e3'])(
    'rejects the amount %p without quoting it',
    (value) => {
      const parsed = parseAmountCents(value);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok && value) expect(parsed.reason).not.toContain(value);
    },
  );

  it('reads export times as China Standard Time', () => {
    expect(parseChinaTime('2026-11-01 10:00:00')).toEqual({
      ok: true,
      value: new Date('2026-11-01T02:00:00Z'),
    });
    expect(parseChinaTime('2026/1/2 8:05')).toEqual({ ok: true, value: new Date('2026-01-02T00:05:00Z') });
    expect(parseChinaTime('2026-11-01')).toEqual({ ok: true, value: new Date('2026-10-31T16:00:00Z') });
  });

  it.each(['2026-13-45 25:00:00', '2026-02-30 10:00:00', '2026-11-01 24:00:00', 'yesterday', '01/11/2026'])(
    'rejects the time %p',
    (value) => expect(parseChinaTime(value).ok).toBe(false),
  );

  it('reads quantities as positive whole numbers', () => {
    expect(parsePositiveInteger('3')).toEqual({ ok: true, value: 3 });
    expect(parsePositiveInteger('0').ok).toBe(false);
    expect(parsePositiveInteger('1.5').ok).toBe(false);
  });

  it('truncates by character, never splitting one', () => {
    expect(truncate('茶'.repeat(70), 64)).toBe('茶'.repeat(64));
    expect(Array.from(truncate('🍵'.repeat(70), 64))).toHaveLength(64);
  });
});
