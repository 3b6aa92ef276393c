import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, type SegmentVersionChangedV1 } from '@siyu/contracts';
import { KafkaTransport } from '@siyu/messaging';
import { adminQuery, describeWithKafka, uniqueTopicPrefix, waitFor } from '@siyu/testing';
import { OutreachHarness, PARTITIONS } from '../../test/outreach-harness';

const phone = (i: number) => `138${String(10_000_000 + i).slice(-8)}`;

type Change = Omit<SegmentVersionChangedV1, 'eventId' | 'schemaVersion' | 'occurredAt' | 'type'>;

/** The scenarios, over whichever transport `ctx.h` was started with. */
function scenarios(ctx: { h: OutreachHarness }) {
  let n = 0;

  async function members(count: number): Promise<string[]> {
    const refs = Array.from({ length: count }, () => randomUUID());
    for (const ref of refs) await ctx.h.grant(ref, phone(++n));
    await waitFor(
      async () =>
        (
          await adminQuery(
            ctx.h.adminUrl,
            'SELECT 1 FROM outreach.consent_projection WHERE subject_ref = ANY ($1::uuid[])',
            [refs],
          )
        ).length === count || null,
      'grants projected',
    );
    return refs;
  }

  /** Publishes one part; the same event id twice is a redelivery. */
  async function change(c: Partial<Change> & Pick<Change, 'segmentId' | 'version'>, eventId = randomUUID()) {
    await ctx.h.transport.publish([
      {
        topic: TOPICS.segmentVersionChanged,
        key: c.segmentId,
        value: JSON.stringify({
          type: 'audience.segment-version-changed.v1',
          eventId,
          schemaVersion: 1,
          occurredAt: new Date().toISOString(),
          brandId: 'demo',
          previousVersion: c.version - 1,
          purpose: 'marketing_messages',
          channel: 'sms',
          part: 0,
          parts: 1,
          size: 0,
          joined: [],
          left: [],
          ...c,
        }),
      },
    ]);
    return eventId;
  }

  const stored = async (segmentId: string, version: number) =>
    (
      await adminQuery<{ subject_ref: string }>(
        ctx.h.adminUrl,
        'SELECT subject_ref FROM outreach.segment_members WHERE segment_id = $1 AND version = $2 ORDER BY subject_ref',
        [segmentId, version],
      )
    ).map((r) => r.subject_ref);

  const versionRow = async (segmentId: string, version: number) =>
    (
      await adminQuery<{ parts: number; parts_received: number }>(
        ctx.h.adminUrl,
        'SELECT parts, parts_received FROM outreach.segment_versions WHERE segment_id = $1 AND version = $2',
        [segmentId, version],
      )
    )[0];

  const complete = (segmentId: string, version: number) =>
    waitFor(async () => {
      const r = await versionRow(segmentId, version);
      return r && r.parts_received >= r.parts ? r : null;
    }, `segment version ${version} complete`);

  it('a campaign on a whole v1 followed by a change v2 targets exactly the v2 members', async () => {
    const [a, b, c] = await members(3);
    const segment = randomUUID();
    await ctx.h.materialize(segment, 1, [a, b]);
    await complete(segment, 1);
    await change({ segmentId: segment, version: 2, joined: [c], left: [a], size: 2 });
    await complete(segment, 2);
    expect(await stored(segment, 2)).toEqual([b, c].sort());
    expect(await stored(segment, 1)).toEqual([a, b].sort());

    const campaign = await ctx.h.createCampaign(segment, await ctx.h.declareTemplate());
    const runId = await ctx.h.startRun(campaign);
    await ctx.h.waitForRun(runId, 'done');
    const sends = await request(ctx.h.http)
      .get(`/api/v1/outreach/runs/${runId}/sends`)
      .set('Authorization', await ctx.h.marketer())
      .expect(200);
    expect(sends.body.map((s: { subjectRef: string }) => s.subjectRef).sort()).toEqual([b, c].sort());
  });

  it('a change in parts completes only when every part arrived; until then v1 stays the latest complete version', async () => {
    const [a, b, c, d] = await members(4);
    const segment = randomUUID();
    await ctx.h.materialize(segment, 1, [a, b]);
    await complete(segment, 1);
    await change({ segmentId: segment, version: 2, parts: 2, part: 0, joined: [c], size: 3 });
    await waitFor(async () => (await versionRow(segment, 2))?.parts_received === 1 || null, 'part 0 applied');
    const latest = await adminQuery<{ version: number }>(
      ctx.h.adminUrl,
      `SELECT max(version) AS version FROM outreach.segment_versions WHERE segment_id = $1 AND parts_received >= parts`,
      [segment],
    );
    expect(latest[0].version).toBe(1);
    await change({ segmentId: segment, version: 2, parts: 2, part: 1, joined: [d], left: [a], size: 3 });
    await complete(segment, 2);
    expect(await stored(segment, 2)).toEqual([b, c, d].sort());
  });

  it('a change whose base version is not stored is recorded incomplete and waits for the next whole version', async () => {
    const [a, b] = await members(2);
    const segment = randomUUID();
    await ctx.h.materialize(segment, 1, [a]);
    await complete(segment, 1);
    // v2 never arrived here: v3 cannot be built on it.
    await change({ segmentId: segment, version: 3, previousVersion: 2, joined: [b], size: 2 });
    await waitFor(async () => (await versionRow(segment, 3)) ?? null, 'v3 recorded');
    // A later change on the incomplete v3 cannot be built either.
    await change({ segmentId: segment, version: 4, previousVersion: 3, left: [a], size: 1 });
    await waitFor(async () => (await versionRow(segment, 4)) ?? null, 'v4 recorded');
    expect(await versionRow(segment, 3)).toEqual({ parts: 1, parts_received: 0 });
    expect(await versionRow(segment, 4)).toEqual({ parts: 1, parts_received: 0 });
    expect(await stored(segment, 3)).toEqual([]);
    // The next whole version is taken as it is, and a change on it applies again.
    await ctx.h.materialize(segment, 5, [a, b]);
    await complete(segment, 5);
    await change({ segmentId: segment, version: 6, left: [a], size: 1 });
    await complete(segment, 6);
    expect(await stored(segment, 6)).toEqual([b]);
  });

  it('a join for a member whose consent copy here is withdrawn is ignored', async () => {
    const [a, b] = await members(2);
    await ctx.h.withdraw(b);
    await waitFor(
      async () =>
        (
          await adminQuery(
            ctx.h.adminUrl,
            'SELECT 1 FROM outreach.consent_projection WHERE subject_ref = $1 AND NOT granted',
            [b],
          )
        ).length > 0 || null,
      'withdrawal projected',
    );
    const segment = randomUUID();
    await ctx.h.materialize(segment, 1, [a]);
    await complete(segment, 1);
    await change({ segmentId: segment, version: 2, joined: [b], size: 2 });
    await complete(segment, 2);
    expect(await stored(segment, 2)).toEqual([a]);
  });

  it('replaying a part (same event id) changes nothing: parts are counted once, leaves stay left', async () => {
    const [a, b, c] = await members(3);
    const segment = randomUUID();
    await ctx.h.materialize(segment, 1, [a, b]);
    await complete(segment, 1);
    const part0 = await change({ segmentId: segment, version: 2, parts: 2, part: 0, left: [a], size: 2 });
    await waitFor(async () => (await versionRow(segment, 2))?.parts_received === 1 || null, 'part 0 applied');
    await change({ segmentId: segment, version: 2, parts: 2, part: 0, left: [a], size: 2 }, part0);
    await change({ segmentId: segment, version: 2, parts: 2, part: 1, joined: [c], size: 2 });
    await complete(segment, 2);
    await change({ segmentId: segment, version: 2, parts: 2, part: 0, left: [a], size: 2 }, part0);
    // A later change on the same key (same partition, so applied after the replays) as a marker.
    await change({ segmentId: segment, version: 3, size: 2 });
    await complete(segment, 3);
    expect(await versionRow(segment, 2)).toEqual({ parts: 2, parts_received: 2 });
    expect(await stored(segment, 2)).toEqual([b, c].sort());
  });

  it('a whole version audience publishes after an opt-out (R11) becomes the latest version, without the member', async () => {
    // What audience publishes when personalisation is switched off between refreshes
    // (services/audience/src/segments/whole-version-after-deletion.int-spec.ts): a whole version
    // without the member, after a chain of changes.
    const [a, b, c] = await members(3);
    const segment = randomUUID();
    await ctx.h.materialize(segment, 1, [a, b]);
    await complete(segment, 1);
    await change({ segmentId: segment, version: 2, joined: [c], size: 3 });
    await complete(segment, 2);
    await ctx.h.materialize(segment, 3, [b, c]);
    await complete(segment, 3);
    const [latest] = await adminQuery<{ version: number }>(
      ctx.h.adminUrl,
      'SELECT max(version) AS version FROM outreach.segment_versions WHERE segment_id = $1 AND parts_received >= parts',
      [segment],
    );
    expect(latest.version).toBe(3);
    expect(await stored(segment, 3)).toEqual([b, c].sort());
  });
}

describe('outreach builds incremental segment versions from audience.segment-version-changed.v1 (issue 10, 17)', () => {
  const ctx = { h: new OutreachHarness() };
  beforeAll(async () => {
    await ctx.h.start();
    ctx.h.startHeartbeat();
  });
  afterAll(() => ctx.h.stop());
  scenarios(ctx);
});

describeWithKafka('incremental segment versions over real Kafka (issue 10, 17)', (brokers) => {
  const ctx = {} as { h: OutreachHarness };
  beforeAll(async () => {
    const transport = new KafkaTransport({
      brokers,
      clientId: 'outreach-segment-versions',
      partitions: PARTITIONS,
      topicPrefix: uniqueTopicPrefix('segver'),
    });
    await transport.connect();
    ctx.h = new OutreachHarness(transport);
    await ctx.h.start();
    ctx.h.startHeartbeat();
  }, 60_000);
  afterAll(async () => {
    await ctx.h?.stop();
    await ctx.h?.transport.disconnect();
  });
  scenarios(ctx);
});
