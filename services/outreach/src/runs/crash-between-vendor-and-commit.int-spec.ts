import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { generateSecretsEnv } from '@siyu/crypto';
import { adminQuery, createTestDatabase, waitFor } from '@siyu/testing';
import { RecordingSmsVendor } from '../../test/recording-sms-vendor';

const TEST_DIR = join(__dirname, '../../test');

describe('exactly-once dispatch across a crash (issue 17 §4)', () => {
  const vendor = new RecordingSmsVendor();
  let vendorUrl: string;
  let adminUrl: string;
  const secrets = generateSecretsEnv();
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    vendorUrl = await vendor.start();
    adminUrl = await createTestDatabase('outreachcrash');
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await vendor.stop();
  });

  function startOutreach(seed?: number): { child: ChildProcess; output: string[] } {
    const output: string[] = [];
    const child = spawn(
      process.execPath,
      ['-r', join(TEST_DIR, 'ts-register.js'), join(TEST_DIR, 'crash-child.ts')],
      {
        env: {
          ...process.env,
          ADMIN_URL: adminUrl,
          VENDOR_URL: vendorUrl,
          CHILD_SECRETS: JSON.stringify(secrets),
          ...(seed ? { SEED: String(seed) } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d) => output.push(String(d)));
    child.stderr!.on('data', (d) => output.push(String(d)));
    children.push(child);
    return { child, output };
  }

  it('a process killed after the vendor accepted a batch and before it recorded so, once restarted, sends nobody twice and loses nobody', async () => {
    const N = 300;
    let batches = 0;
    let killed: Promise<void> | undefined;
    const first = startOutreach(N);
    // The vendor accepts the second batch, then the process dies before it hears the answer.
    vendor.onBatchRecorded = () => {
      if (++batches === 2) {
        killed = new Promise((r) => first.child.once('exit', () => r()));
        first.child.kill('SIGKILL');
      }
    };
    const runId = await waitFor(
      async () => /RUN (\S+)/.exec(first.output.join(''))?.[1],
      `first child to start a run (output: ${first.output.join('')})`,
      60_000,
    );
    await waitFor(async () => batches >= 2, `the kill (output: ${first.output.join('')})`, 30_000);
    await killed;
    vendor.onBatchRecorded = undefined;
    const inDoubt = await adminQuery<{ n: number }>(
      adminUrl,
      "SELECT count(*)::int AS n FROM outreach.sends WHERE run_id = $1 AND state = 'submitting'",
      [runId],
    );
    // The batch the vendor accepted is in doubt: admitted, never recorded as submitted. The run
    // gates the next chunk while one is at the vendor (two in flight), so the first batch may not
    // have been recorded either when the process died: one or both accepted batches are in doubt.
    const doubted = inDoubt[0].n;
    expect([50, 100]).toContain(doubted);
    const atVendorBefore = vendor.received.length;
    expect(atVendorBefore).toBe(100);

    const second = startOutreach();
    await waitFor(
      async () =>
        (
          await adminQuery<{ state: string }>(
            adminUrl,
            'SELECT state FROM outreach.campaign_runs WHERE id = $1',
            [runId],
          )
        )[0].state === 'done',
      `restarted run done (output: ${second.output.join('')})`,
      60_000,
    );
    second.child.kill('SIGTERM');

    const counts = vendor.countBySendId();
    expect(counts.size).toBe(N);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const states = await adminQuery<{ state: string; n: number }>(
      adminUrl,
      'SELECT state, count(*)::int AS n FROM outreach.sends WHERE run_id = $1 GROUP BY state ORDER BY state',
      [runId],
    );
    // Those in doubt were reconciled from the vendor, never resent: each is delivered, or submitted
    // when the vendor, asked right after the restart, had accepted it and not yet delivered it (the
    // batch accepted just before the kill, on a fast machine: a clean-clone run saw 50 of 100).
    // Nothing is left in doubt; the others were recorded submitted before the kill.
    const byState = Object.fromEntries(states.map((s) => [s.state, s.n]));
    expect(Object.keys(byState).filter((k) => k !== 'delivered' && k !== 'submitted')).toEqual([]);
    expect((byState.delivered ?? 0) + (byState.submitted ?? 0)).toBe(N);
    expect(byState.delivered ?? 0).toBeLessThanOrEqual(doubted);
  });
});
