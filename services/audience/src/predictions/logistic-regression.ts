/**
 * Logistic regression trained in-process (no external ML service): standardised inputs, batch
 * gradient descent with a small L2 penalty. Deterministic for the same rows.
 */
export interface LogisticModel {
  intercept: number;
  weights: number[];
  means: number[];
  stds: number[];
}

export interface TrainingMetrics {
  rows: number;
  positives: number;
  logLoss: number;
  /** Area under the ROC curve on the training rows (0.5 = no better than chance). */
  auc: number;
}

export function trainLogistic(
  x: number[][],
  y: number[],
  options: { iterations?: number; learningRate?: number; l2?: number } = {},
): { model: LogisticModel; metrics: TrainingMetrics } {
  const n = x.length;
  if (n === 0) throw new Error('no training rows');
  const k = x[0].length;
  const means = Array.from({ length: k }, (_, j) => x.reduce((s, r) => s + r[j], 0) / n);
  const stds = Array.from({ length: k }, (_, j) => {
    const v = x.reduce((s, r) => s + (r[j] - means[j]) ** 2, 0) / n;
    return v > 1e-12 ? Math.sqrt(v) : 1;
  });
  const z = x.map((r) => r.map((v, j) => (v - means[j]) / stds[j]));
  const iterations = options.iterations ?? 400;
  const lr = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  let b = 0;
  const w = new Array<number>(k).fill(0);
  for (let it = 0; it < iterations; it++) {
    let gb = 0;
    const gw = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      const err = sigmoid(b + dot(w, z[i])) - y[i];
      gb += err;
      for (let j = 0; j < k; j++) gw[j] += err * z[i][j];
    }
    b -= (lr * gb) / n;
    for (let j = 0; j < k; j++) w[j] -= lr * (gw[j] / n + l2 * w[j]);
  }
  const p = z.map((r) => sigmoid(b + dot(w, r)));
  const logLoss =
    -p.reduce(
      (s, pi, i) => s + (y[i] ? Math.log(Math.max(pi, 1e-12)) : Math.log(Math.max(1 - pi, 1e-12))),
      0,
    ) / n;
  return {
    model: { intercept: b, weights: w, means, stds },
    metrics: { rows: n, positives: y.reduce((s, v) => s + v, 0), logLoss, auc: auc(p, y) },
  };
}

export function score(model: LogisticModel, row: number[]): number {
  return sigmoid(
    model.intercept +
      row.reduce((s, v, j) => s + model.weights[j] * ((v - model.means[j]) / model.stds[j]), 0),
  );
}

function sigmoid(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Rank-based AUC (Mann–Whitney), ties counted half. */
function auc(p: number[], y: number[]): number {
  const idx = p.map((v, i) => [v, y[i]] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j < idx.length && idx[j][0] === idx[i][0]) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let t = i; t < j; t++)
      if (idx[t][1]) {
        rankSum += avgRank;
        pos++;
      }
    i = j;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return 0.5;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
