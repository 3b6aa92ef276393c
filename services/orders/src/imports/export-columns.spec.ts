import { ExportColumns } from './export-columns';
import { ImportsError } from './imports.errors';
import { TMALL_EXPORT } from './platforms/tmall/tmall.mapping';

const header = [
  '="订单编号"',
  '买家会员名',
  '买家支付宝账号',
  '买家实际支付金额',
  '订单状态',
  '订单创建时间',
  '收货人姓名',
  '收货地址 ',
  '联系电话 ',
  '买家留言',
  '',
];

describe('export columns (R4)', () => {
  it('keeps the mapped columns and lists every other named column as dropped', () => {
    const columns = ExportColumns.plan(header, TMALL_EXPORT);
    expect(columns.droppedColumns).toEqual(['买家支付宝账号', '买家留言']);
    expect(columns.labels[0]).toBe('订单编号');
    expect(columns.labels[10]).toBe('(column 11)');
  });

  it('reads kept columns, normalised; a kept column absent from the file reads empty', () => {
    const read = ExportColumns.plan(header, TMALL_EXPORT).readerFor(['="123"', 'tb', 'a@b.cn', '1.00']);
    expect(read('订单编号')).toBe('123');
    expect(read('联系手机')).toBe('');
    expect(read('收货地址')).toBe('');
  });

  it('refuses to read a dropped column', () => {
    const read = ExportColumns.plan(header, TMALL_EXPORT).readerFor([]);
    expect(() => read('买家支付宝账号')).toThrow(/not kept/);
  });

  it('accepts either phone column and names every missing required column', () => {
    expect(() =>
      ExportColumns.plan(
        header.filter((h) => !h.startsWith('联系电话')),
        TMALL_EXPORT,
      ),
    ).toThrow(/联系手机 or 联系电话/);
    try {
      ExportColumns.plan(['订单编号', 'foo'], TMALL_EXPORT);
      throw new Error('not refused');
    } catch (err) {
      expect(err).toBeInstanceOf(ImportsError);
      expect((err as ImportsError).details).toEqual({
        missingColumns: [
          '订单状态',
          '买家实际支付金额',
          '订单创建时间',
          '收货人姓名',
          '收货地址',
          '联系手机 or 联系电话',
        ],
      });
    }
  });
});
