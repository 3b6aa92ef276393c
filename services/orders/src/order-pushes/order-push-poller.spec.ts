import { OrderPushPoller } from './order-push-poller';
import type { ProcessOrderPushes } from './process-order-pushes.use-case';
import type { PushSettings } from './push-settings';

function pollerWith(pollIntervalMs: number) {
  const processPending = jest.fn().mockResolvedValue(0);
  const poller = new OrderPushPoller(
    { processPending } as unknown as ProcessOrderPushes,
    { pollIntervalMs } as PushSettings,
  );
  return { poller, processPending };
}

describe('OrderPushPoller', () => {
  it('drains the queue every interval until the module stops', async () => {
    // Fake timers: the intervals are stepped, not waited for, so a loaded machine cannot fail it.
    jest.useFakeTimers();
    try {
      const { poller, processPending } = pollerWith(5);
      poller.onApplicationBootstrap();
      expect(processPending).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(5);
      expect(processPending).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(5);
      expect(processPending).toHaveBeenCalledTimes(2);
      await poller.onModuleDestroy();
      await jest.advanceTimersByTimeAsync(50);
      expect(processPending).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('stops a running pass after the batch in hand instead of draining the backlog', async () => {
    // A pass over a backlog of 1,000 pushes, each taking a tick, that honours the stop it is given.
    let taken = 0;
    const processPending = jest.fn(async (stop: () => boolean) => {
      while (!stop() && taken < 1000) {
        await new Promise((r) => setImmediate(r));
        taken++;
      }
      return taken;
    });
    const poller = new OrderPushPoller(
      { processPending } as unknown as ProcessOrderPushes,
      { pollIntervalMs: 1 } as PushSettings,
    );
    poller.onApplicationBootstrap();
    while (taken < 3) await new Promise((r) => setTimeout(r, 1));
    await poller.onModuleDestroy();
    expect(processPending).toHaveBeenCalledTimes(1);
    expect(taken).toBeGreaterThanOrEqual(3);
    expect(taken).toBeLessThan(1000);
  });

  it('does not poll when the interval is 0', async () => {
    const { poller, processPending } = pollerWith(0);
    poller.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 20));
    await poller.onModuleDestroy();
    expect(processPending).not.toHaveBeenCalled();
  });
});
