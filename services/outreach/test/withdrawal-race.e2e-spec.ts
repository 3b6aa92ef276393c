import { randomUUID } from 'node:crypto';
import { KafkaTransport } from '@siyu/messaging';
import request from 'supertest';
import { adminQuery, describeWithKafka, uniqueTopicPrefix, waitFor } from '@siyu/testing';
import { OutreachHarness, PARTITIONS } from './outreach-harness';
import { RecordingSmsChannel, RecordingSmsVendor } from './recording-sms-vendor';

describeWithKafka('the withdrawal race over real Kafka (issue 17 §4, invariant 4)', (brokers) => {
  const vendor = new RecordingSmsVendor();
  let h: OutreachHarness;

  beforeAll(async () => {
    const url = await vendor.start();
    const transport = new KafkaTransport({
      brokers,
      clientId: 'outreach-race',
      partitions: PARTITIONS,
      topicPrefix: uniqueTopicPrefix('race'),
    });
    await transport.connect();
    h = new OutreachHarness(transport);
    await h.start({
      smsChannels: () => [new RecordingSmsChannel(url)],
      runner: { pollMs: 50, chunkSize: 100 },
    });
    h.startHeartbeat(100);
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await h?.transport.disconnect();
    await vendor.stop();
  });

  it('dispatches nothing to a member later than their withdrawal’s commit + 1 s while a campaign fans out', async () => {
    const N = 1500;
    const phones = new Map<string, string>();
    const refs = Array.from({ length: N }, (_, i) => {
      const ref = randomUUID();
      phones.set(ref, `137${String(10_000_000 + i).slice(-8)}`);
      return ref;
    });
    for (const ref of refs) await h.grant(ref, phones.get(ref)!);
    const segment = randomUUID();
    await h.materialize(segment, 1, refs);
    // Over Kafka a publish returns at the broker's ack: wait until outreach applied the grants and the segment.
    await waitFor(
      async () =>
        (
          await adminQuery<{ n: number }>(
            h.adminUrl,
            'SELECT count(*)::int AS n FROM outreach.contact_points',
          )
        )[0].n === N &&
        (
          await adminQuery(
            h.adminUrl,
            'SELECT 1 FROM outreach.segment_versions WHERE parts_received >= parts',
          )
        ).length === 1,
      'grants and segment applied',
      60_000,
    );
    // A slow vendor keeps the fan-out going while the withdrawals arrive.
    vendor.answerDelayMs = 100;
    const campaign = await h.createCampaign(segment, await h.declareTemplate('aliyun'));
    const runId = await h.startRun(campaign);
    const resumeIfStale = async () => {
      const r = await h.run(runId);
      if (r.state === 'paused' && r.pausedReason === 'stale_projection')
        await request(h.http)
          .post(`/api/v1/outreach/campaigns/${campaign}/resume`)
          .set('Authorization', await h.marketer());
      return r;
    };
    // Withdrawals start once the fan-out is under way, so they race the dispatches.
    await waitFor(async () => (await resumeIfStale()).results.submitted > 0, 'first batch', 120_000, 200);
    const withdrawals = new Map<string, number>();
    const shuffled = [...refs].sort(() => Math.random() - 0.5).slice(0, 300);
    for (const ref of shuffled) {
      withdrawals.set(ref, await h.withdraw(ref, withdrawals.size % 2 ? 'sms_reply' : 'unsubscribe_link'));
      await new Promise((r) => setTimeout(r, 3));
    }
    // A consumer lagging past the bound pauses the run (stale_projection): resume it, as an operator would.
    const run = await waitFor(
      async () => {
        const r = await resumeIfStale();
        return r.state === 'done' ? r : null;
      },
      'run done',
      150_000,
      200,
    );
    vendor.answerDelayMs = 0;

    const sentAt = new Map(vendor.received.map((m) => [m.phone, m.at]));
    let worstLag = -Infinity;
    const late: string[] = [];
    for (const [ref, committedAt] of withdrawals) {
      const at = sentAt.get(phones.get(ref)!);
      if (at === undefined) continue;
      worstLag = Math.max(worstLag, at - committedAt);
      if (at > committedAt + 1000) late.push(`${ref}: ${at - committedAt} ms`);
    }
    expect(late).toEqual([]);
    // Some withdrawals landed before their member's turn (refused by the gate), some after it was sent.
    expect(run.results.blocked.consent_withdrawn).toBeGreaterThan(0);
    expect(run.results.blocked.consent_withdrawn).toBeLessThan(withdrawals.size);
    expect(run.results).toMatchObject({ targeted: N, pending: 0 });
    console.log(
      `withdrawal race over Kafka: worst dispatch lag after a withdrawal's commit ${worstLag} ms; ` +
        `results ${JSON.stringify(run.results)}`,
    );
  }, 300_000);
});
