import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where an import's thread spends its time, per step of the per-row pipeline. A sample goes to the
 * innermost frame of its stack that names a step (a crypto call under `sealReceiver` is sealing,
 * under `orderDigests` a blind index); V8's own garbage collection and idle time are their own rows.
 */
const STEPS: [step: string, frame: RegExp][] = [
  ['parse (CSV, decoding)', /csv-parse|iconv-lite|string_decoder|readCsvRecords|parseCsvBatch/],
  ['cut into batches, hand to workers', /csv-batches|export-rows|import-worker-pool|export-batch-task/],
  ['screen (row checks, unmasked-PII scan)', /screen-record|detect-unmasked-pii|screenRecord|rowProblems/],
  [
    'map + minimise (kept columns only), assemble',
    /export-layout|cell-values|export-columns|order-assembler/,
  ],
  ['blind index (fingerprint, pseudonym, lookup digests)', /order-digests|receiver-lookup-index|blind-index/],
  ['seal (AES-256-GCM receiver + buyer id)', /seal-receiver|sealedRecord|envelope|sealed/],
  ['data keys (one per buyer, wrapped)', /buyer-data-keys|data-key\.repository/],
  [
    'COPY + SQL (rows to text, protocol, socket)',
    /copy-rows|pg-copy-streams|outbox|order\.repository|receiver-lookup\.repository|import-job\.repository|node_modules\/pg|typeorm|node:net|stream_base_commons/,
  ],
  ['tally, chunking, job', /import-summary|chunk-writer|ingest-order-chunk|import-orders\.use-case/],
  ['streams (file reads, COPY text to bytes)', /node:internal\/streams|node:buffer|node:fs/],
  ['promise and tick machinery', /^runMicrotasks@|processTicksAndRejections|async_hooks/],
  ['the profiler itself', /profile-breakdown|node:inspector/],
];

function stepOf(stack: ProfileNode[]): string {
  const leaf = stack[0].callFrame.functionName;
  if (leaf === '(garbage collector)') return 'garbage collection';
  if (leaf === '(idle)') return 'idle (waiting for PostgreSQL / workers)';
  if (leaf === '(program)') return 'V8/native (unattributed)';
  for (const node of stack) {
    const frame = `${node.callFrame.functionName}@${node.callFrame.url}`;
    for (const [step, pattern] of STEPS) if (pattern.test(frame)) return step;
  }
  return 'other';
}

/**
 * Share of one thread's busy samples by step (idle left out), in per cent. Sample times are wall
 * time: on a loaded machine they include time the thread waited for a core, so shares (not sample
 * microseconds) are what carries over; multiply by the measured CPU µs per row for a per-step cost.
 */
export function breakdown(profile: Profile): Record<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map<string, number>();
  const stepOfNode = new Map<number, string>();
  profile.samples.forEach((id, i) => {
    let step = stepOfNode.get(id);
    if (step === undefined) {
      const stack: ProfileNode[] = [];
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
        stack.push(byId.get(cur)!);
      step = stepOf(stack);
      stepOfNode.set(id, step);
    }
    totals.set(step, (totals.get(step) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const idle = 'idle (waiting for PostgreSQL / workers)';
  let busy = 0;
  for (const [step, micros] of totals) if (step !== idle) busy += micros;
  return Object.fromEntries(
    [...totals]
      .filter(([step]) => step !== idle)
      .sort((a, b) => b[1] - a[1])
      .map(([step, micros]) => [step, +((100 * micros) / busy).toFixed(1)]),
  );
}

/** An inspector session on this thread and a promise-returning `post`. */
function inspector() {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
    );
  return { session, post };
}

/** Profiles this thread (V8's sampling profiler through the inspector) while `work` runs. */
export async function profiled<T>(
  file: string,
  work: () => Promise<T>,
): Promise<{ result: T; profile: Profile }> {
  const { session, post } = inspector();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 500 });
  await post('Profiler.start');
  try {
    const result = await work();
    const { profile } = (await post('Profiler.stop')) as { profile: Profile };
    writeFileSync(file, JSON.stringify(profile));
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

/**
 * Bytes allocated while `work` runs, garbage included (V8's sampling heap profiler keeping the
 * samples of objects already collected), by allocating function: what the garbage collector's share
 * of the profile is paying for. Sampled every 32 KiB, so small totals are estimates.
 */
export async function allocationProfiled<T>(
  work: () => Promise<T>,
): Promise<{ result: T; topSites: Record<string, string> }> {
  const { session, post } = inspector();
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', {
    samplingInterval: 32768,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  try {
    const result = await work();
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: { head: AllocationNode } };
    const bySite = new Map<string, number>();
    const name = ({ functionName, url, lineNumber }: AllocationNode['callFrame']) =>
      `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    // A built-in (no script: Set, join, slice…) is named with the function that called it.
    const walk = (node: AllocationNode, caller: string) => {
      const own = name(node.callFrame);
      const site = node.callFrame.url ? own : `${node.callFrame.functionName} ← ${caller}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      node.children.forEach((child) => walk(child, node.callFrame.url ? own : caller));
    };
    walk(profile.head, '(root)');
    const total = [...bySite.values()].reduce((a, b) => a + b, 0);
    const topSites = Object.fromEntries(
      [...bySite]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 30)
        .map(([site, bytes]) => [
          site,
          `${(bytes / 2 ** 20).toFixed(0)} MiB (${((100 * bytes) / total).toFixed(1)} %)`,
        ]),
    );
    return { result, topSites: { total: `${(total / 2 ** 20).toFixed(0)} MiB`, ...topSites } };
  } finally {
    session.disconnect();
  }
}
