import { RecurringJob } from './recurring-job';

describe('RecurringJob', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs every interval, never two runs at once, and stop() waits for the run in flight', async () => {
    let running = 0;
    let maxRunning = 0;
    let finished = 0;
    let release!: () => void;
    const job = new RecurringJob(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => (release = resolve));
      running--;
      finished++;
    }, fail);
    job.start(1000);
    await jest.advanceTimersByTimeAsync(3500);
    expect({ running, maxRunning, finished }).toEqual({ running: 1, maxRunning: 1, finished: 0 });
    const stopped = job.stop();
    release();
    await stopped;
    expect(finished).toBe(1);
    await jest.advanceTimersByTimeAsync(5000);
    expect(finished).toBe(1);
  });

  it('reports a failed run and runs again at the next tick', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const job = new RecurringJob(
      async () => {
        calls++;
        if (calls === 1) throw new Error('database away');
      },
      (err) => errors.push(err),
    );
    job.start(1000);
    await jest.advanceTimersByTimeAsync(2500);
    expect(calls).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['database away']);
    await job.stop();
  });

  it('stays off for 0, a negative or a non-number interval', async () => {
    let calls = 0;
    for (const every of [0, -5, Number.NaN]) {
      const job = new RecurringJob(async () => calls++, fail);
      job.start(every);
      await jest.advanceTimersByTimeAsync(10_000);
      await job.stop();
    }
    expect(calls).toBe(0);
  });
});

function fail(err: unknown): never {
  throw err;
}
