import { randomBytes } from 'node:crypto';

/**
 * Kafka suites need a real broker (KAFKA_BROKERS, started by `npm run kafka:start` or .ci/run).
 * Without one they skip with a loud message locally and FAIL under CI=true.
 */
export function kafkaBrokers(): string[] | null {
  const raw = process.env.KAFKA_BROKERS;
  if (raw && raw.trim()) return raw.split(',').map((b) => b.trim());
  if (process.env.CI === 'true')
    throw new Error('CI=true but KAFKA_BROKERS is not set: the Kafka suites must run in CI');
  return null;
}

export function describeWithKafka(name: string, body: (brokers: string[]) => void): void {
  const brokers = kafkaBrokers();
  if (brokers) {
    describe(name, () => body(brokers));
    return;
  }
  const banner = `\n!!! KAFKA SUITE NOT RUN: "${name}" needs a broker. Run \`npm run kafka:start\` and export KAFKA_BROKERS=127.0.0.1:9092 !!!\n`;
  describe(name, () => {
    it('is not run without KAFKA_BROKERS (fails under CI=true)', () => {
      console.warn(banner);
      expect(process.env.CI).not.toBe('true');
    });
  });
}

/** Topic and group prefix so parallel test files never share a topic. */
export function uniqueTopicPrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}.`;
}
