import { randomUUID } from 'node:crypto';
import type { TagCategory } from '@siyu/contracts';
import { categoriesChanged, grant, openAudience, release, withdrawal } from '../../test/audience-harness';

/**
 * R11: personalisation off or a category closed deletes the member's memberships at once; consumers
 * (outreach) learn it from the next refresh, which publishes the whole version without the member.
 */
describe('a membership deleted by an opt-out reaches consumers as a whole version at the next refresh', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  beforeAll(async () => {
    a = await openAudience('audwholeowed');
    await a.defineTag.execute(
      {
        key: 'spend_365',
        labels: { 'zh-CN': '近一年消费', en: 'Spend, last year' },
        category: 'spending_power',
        spendingPower: true,
        layer: 'fact',
        fact: { measure: 'monetary_cents', windowDays: 365 },
      },
      'marketer-1',
    );
  });
  afterAll(() => a?.ds.destroy());

  async function richMember(): Promise<string> {
    const s = randomUUID();
    await a.deliver(grant(s));
    await a.deliver(release(s, [{ daysAgo: 3, amountCents: 90000 }]));
    return s;
  }

  async function bigSpendersWith(...members: string[]): Promise<string> {
    await a.refresh.execute();
    const { id } = await a.createSegment.execute(
      {
        name: 'big spenders',
        purpose: 'marketing_messages',
        channel: 'sms',
        rule: { tag: 'spend_365', op: 'gte', value: 50000 },
      },
      'marketer-1',
    );
    await a.materialize.execute(id, 'marketer-1');
    expect(await a.segments.membersOf(a.ds.manager, id, 1)).toEqual(expect.arrayContaining(members));
    return id;
  }

  /** Every member ref the outbox published for a version, across its parts, and which event carried it. */
  async function published(id: string, version: number) {
    const rows: { topic: string; payload: string }[] = await a.ds.query(
      `SELECT topic, payload FROM outbox
        WHERE payload::jsonb->>'segmentId' = $1 AND (payload::jsonb->>'version')::int = $2`,
      [id, version],
    );
    return {
      topics: [...new Set(rows.map((r) => r.topic))],
      refs: rows.flatMap((r) => (JSON.parse(r.payload).subjectRefs as string[] | undefined) ?? []),
    };
  }

  const refreshOf = async (id: string) => (await a.refreshSegments.execute()).find((r) => r.segmentId === id);

  it('after personalisation is switched off, the next refresh publishes the whole version without the member, once', async () => {
    const [gone, stays] = [await richMember(), await richMember()];
    const id = await bigSpendersWith(gone, stays);

    await a.deliver(withdrawal(gone, ['personalisation']));
    const r = await refreshOf(id);

    // Evaluated incrementally (the periodic whole evaluation is not due), published whole.
    expect(r).toMatchObject({ evaluated: 'incremental', version: { version: 2, joined: 0, left: 0 } });
    const v2 = await published(id, 2);
    expect(v2.topics).toEqual(['audience.segment-materialized.v1']);
    expect(v2.refs).toContain(stays);
    expect(v2.refs).not.toContain(gone);
    // Owed once: the following refresh has nothing to hand over.
    expect(await refreshOf(id)).toMatchObject({ evaluated: 'nothing-changed', version: null });
  });

  it('after a category the segment selects by is closed, the next refresh publishes the whole version without the member', async () => {
    const [gone, stays] = [await richMember(), await richMember()];
    const id = await bigSpendersWith(gone, stays);

    await a.deliver(categoriesChanged(gone, ['spending_power'] satisfies TagCategory[]));
    const r = await refreshOf(id);

    expect(r).toMatchObject({ version: { version: 2 } });
    const v2 = await published(id, 2);
    expect(v2.topics).toEqual(['audience.segment-materialized.v1']);
    expect(v2.refs).toContain(stays);
    expect(v2.refs).not.toContain(gone);
  });

  it('a closed category no segment selects by owes no version', async () => {
    const member = await richMember();
    const id = await bigSpendersWith(member);

    await a.deliver(categoriesChanged(member, ['active_hours'] satisfies TagCategory[]));
    await a.refresh.execute();

    expect((await refreshOf(id))?.version ?? null).toBeNull();
    expect((await published(id, 2)).topics).toEqual([]);
  });
});
