import { csvLine, neutraliseFormula, RejectsCsv } from './rejects-csv';

describe('rejects CSV', () => {
  it.each(['=HYPERLINK("x")', '+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', '  =HYPERLINK("x")'])(
    'neutralises a cell starting a formula: %p',
    (cell) => {
      expect(neutraliseFormula(cell)).toBe(`'${cell}`);
    },
  );

  it('leaves ordinary cells alone', () => {
    expect(neutraliseFormula('张三')).toBe('张三');
    expect(neutraliseFormula('12.50')).toBe('12.50');
  });

  it('quotes cells holding commas, quotes or line breaks', () => {
    expect(csvLine(['a,b', 'say "hi"', 'x\ny', 'plain'])).toBe('"a,b","say ""hi""","x\ny",plain\r\n');
  });

  it('writes a BOM and header once, then one line per rejected row with its problems and original cells', () => {
    let out = '';
    const rejects = new RejectsCsv((t) => (out += t));
    const header = ['订单编号', '买家实际支付金额'];
    rejects.add({
      row: 3,
      problems: [{ field: '买家实际支付金额', reason: 'not an amount' }],
      cells: ['="123"', 'abc'],
      header,
    });
    rejects.add({
      row: 5,
      problems: [
        { field: 'a', reason: 'r1' },
        { field: 'b', reason: 'r2' },
      ],
      cells: ['-1', '2'],
      header,
    });
    expect(out).toBe(
      '\uFEFFrow,field,reason,订单编号,买家实际支付金额\r\n' +
        `3,买家实际支付金额,not an amount,"'=""123""",abc\r\n` +
        `5,a; b,r1; r2,'-1,2\r\n`,
    );
  });
});
