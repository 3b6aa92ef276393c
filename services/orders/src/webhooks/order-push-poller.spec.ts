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
    const { poller, processPending } = pollerWith(5);
    poller.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 60));
    await poller.onModuleDestroy();
    const calls = processPending.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 30));
    expect(processPending.mock.calls.length).toBe(calls);
  });

  it('does not poll when the interval is 0', async () => {
    const { poller, processPending } = pollerWith(0);
    poller.onApplicationBootstrap();
    await new Promise((r) => setTimeout(r, 20));
    await poller.onModuleDestroy();
    expect(processPending).not.toHaveBeenCalled();
  });
});
