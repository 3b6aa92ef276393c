import { score, trainLogistic } from './logistic-regression';

describe('logistic regression trained in-process', () => {
  it('learns that more orders mean a higher repurchase probability, deterministically', () => {
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const orders = i % 10;
      x.push([orders, 50 + ((i * 7) % 30)]);
      y.push(orders >= 5 ? (i % 9 === 0 ? 0 : 1) : i % 11 === 0 ? 1 : 0);
    }
    const first = trainLogistic(x, y);
    const again = trainLogistic(x, y);
    expect(again.model).toEqual(first.model);
    expect(first.model.weights[0]).toBeGreaterThan(0);
    expect(first.metrics.auc).toBeGreaterThan(0.85);
    expect(score(first.model, [9, 60])).toBeGreaterThan(score(first.model, [1, 60]));
  });

  it('refuses to train on nothing', () => {
    expect(() => trainLogistic([], [])).toThrow('no training rows');
  });
});
