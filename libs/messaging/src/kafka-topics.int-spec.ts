import { describeWithKafka, uniqueTopicPrefix, waitFor } from '@siyu/testing';
import { KafkaTransport } from './kafka.transport';

describeWithKafka('starting consumers on topics nobody created yet', (brokers) => {
  const transports: KafkaTransport[] = [];
  afterAll(async () => {
    for (const t of transports) await t.disconnect();
  });

  /** One compose-like start: four services race to create the topics they share, then subscribe. */
  async function startFourAtOnce(prefix: string, topics: string[]) {
    const received = new Map<string, string[]>();
    const errors: string[] = [];
    const started: KafkaTransport[] = [];
    await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const t = new KafkaTransport({ brokers, clientId: `fresh-${i}`, partitions: 3, topicPrefix: prefix });
        transports.push(t);
        started.push(t);
        try {
          await t.connect();
          await t.ensureTopics([...topics, `dead-letters.g${i}`]);
          received.set(`g${i}`, []);
          await t.subscribe(`g${i}`, topics, async (m) => {
            received.get(`g${i}`)!.push(m.value);
          });
        } catch (err) {
          errors.push((err as Error).message);
        }
      }),
    );
    return { received, errors, started };
  }

  it('services creating and subscribing to the same fresh topics at once all start, without logging errors, and each consumes', async () => {
    // Before the fix nearly every such start saw "This server does not host this topic-partition".
    const topics = ['a.one.v1', 'a.two.v1', 'a.three.v1', 'a.four.v1', 'a.five.v1'];
    const logged: string[] = [];
    const consoleError = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '));
    });
    try {
      for (let round = 1; round <= 3; round++) {
        const { received, errors, started } = await startFourAtOnce(
          uniqueTopicPrefix(`fresh${round}`),
          topics,
        );
        expect(errors).toEqual([]);
        await started[0].publish(topics.map((topic) => ({ topic, key: 'k', value: topic })));
        await waitFor(
          async () => [...received.values()].every((r) => r.length === topics.length),
          'every group to receive every topic',
          30_000,
        );
        for (const r of received.values()) expect([...r].sort()).toEqual([...topics].sort());
      }
    } finally {
      consoleError.mockRestore();
    }
    // Nor does a start log the broker's refusals it waited out as errors.
    expect(logged).toEqual([]);
  }, 120_000);
});
