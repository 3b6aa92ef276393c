import { individualsBounds } from './individuals-bounds';

const count = (service: string, ...sizes: number[]) => ({
  service,
  populations: sizes.map((individuals, i) => ({ population: `p${i}`, individuals })),
});

describe('distinct-individuals bounds (R19)', () => {
  it('bounds the union by the largest population below and the sum above', () => {
    const b = individualsBounds([count('consent', 300), count('orders', 500, 200), count('identity', 7)]);
    expect([b.lowerBound, b.upperBound]).toEqual([500, 1007]);
  });

  it('warns "possibly reached" at 1,000,000 when only the sum of the walls reaches it', () => {
    const b = individualsBounds([count('consent', 600_000), count('orders', 500_000)]);
    expect(b.thresholds).toEqual([
      { threshold: 1_000_000, status: 'possibly_reached' },
      { threshold: 10_000_000, status: 'below' },
    ]);
  });

  it('says "reached" when one population alone holds a million distinct keys', () => {
    const b = individualsBounds([count('orders', 1_000_000)]);
    expect(b.thresholds[0]).toEqual({ threshold: 1_000_000, status: 'reached' });
  });

  it('warns at 10,000,000 as well', () => {
    const b = individualsBounds([count('orders', 9_000_000, 2_000_000)]);
    expect(b.thresholds[1]).toEqual({ threshold: 10_000_000, status: 'possibly_reached' });
  });

  it('counts nothing as zero, below every threshold', () => {
    expect(individualsBounds([])).toMatchObject({ lowerBound: 0, upperBound: 0 });
  });
});
