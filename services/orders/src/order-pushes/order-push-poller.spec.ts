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

  it('does not poll when the interval is 0', async () => {
    const { poller, processPending } = pollerWith(0);
    poller.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 20));
    await poller.onModuleDestroy();
    expect(processPending).not.toHaveBeenCalled();
  });
});
