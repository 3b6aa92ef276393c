import { randomUUID } from 'node:crypto';
import { OutreachHarness } from './outreach-harness';
import { RecordingSmsChannel } from './recording-sms-vendor';

/**
 * Outreach in a child process, for the crash test: the first start seeds members, a campaign and a
 * run; a restart (same database, same keys) only runs, so the runner must continue the run.
 */
async function main(): Promise<void> {
  const env = process.env;
  const secrets = JSON.parse(env.CHILD_SECRETS!);
  const h = new OutreachHarness();
  Object.assign(h.secrets, secrets);
  await h.start(
    {
      smsChannels: () => [new RecordingSmsChannel(env.VENDOR_URL!)],
      runner: { pollMs: 50, leaseMs: 1000, chunkSize: 50 },
    },
    env.ADMIN_URL!,
  );
  h.startHeartbeat(100);
  if (env.SEED) {
    const refs = Array.from({ length: Number(env.SEED) }, () => randomUUID());
    for (let i = 0; i < refs.length; i++) await h.grant(refs[i], `138${String(10_000_000 + i).slice(-8)}`);
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    const campaign = await h.createCampaign(segment, await h.declareTemplate('aliyun'));
    const runId = await h.startRun(campaign);
    process.stdout.write(`RUN ${runId}\n`);
  }
  process.stdout.write('READY\n');
}

void main().catch((err) => {
  process.stderr.write(`child failed: ${(err as Error).stack}\n`);
  process.exit(1);
});
