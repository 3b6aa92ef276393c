import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { recurringJobProvider } from './recurring-job';

class Counter {
  runs = 0;
  inFlight = false;
  finishedAfterShutdownBegan = false;
  shuttingDown = false;
}

function appWith(everyMs: number, counter: Counter, failures: unknown[]) {
  @Module({
    providers: [
      { provide: Counter, useValue: counter },
      recurringJobProvider<[Counter]>({
        provide: 'test.job',
        inject: [Counter],
        schedule: (c) => ({
          everyMs,
          run: async () => {
            c.runs++;
            c.inFlight = true;
            await new Promise((r) => setTimeout(r, 30));
            if (c.shuttingDown) c.finishedAfterShutdownBegan = true;
            c.inFlight = false;
            if (c.runs === 1) throw new Error('first run fails');
          },
        }),
        onError: (err) => failures.push(err),
      }),
    ],
  })
  class JobModule {}
  return NestFactory.createApplicationContext(JobModule, { logger: false });
}

describe('a recurring job declared as a provider', () => {
  it('starts with the application, reports a failed run, and shutdown waits for the run in flight', async () => {
    const counter = new Counter();
    const failures: unknown[] = [];
    const app = await appWith(10, counter, failures);
    await app.init();
    while (counter.runs < 3) await new Promise((r) => setTimeout(r, 5));
    while (!counter.inFlight) await new Promise((r) => setTimeout(r, 1));
    counter.shuttingDown = true;
    await app.close();
    expect(counter.inFlight).toBe(false);
    expect(counter.finishedAfterShutdownBegan).toBe(true);
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('first run fails');
    const runsAtClose = counter.runs;
    await new Promise((r) => setTimeout(r, 50));
    expect(counter.runs).toBe(runsAtClose);
  });

  it('never runs when its interval is 0 (off, as in tests)', async () => {
    const counter = new Counter();
    const app = await appWith(0, counter, []);
    await app.init();
    await new Promise((r) => setTimeout(r, 50));
    await app.close();
    expect(counter.runs).toBe(0);
  });
});
