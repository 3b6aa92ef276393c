import { randomUUID } from 'node:crypto';
import {
  BRAND,
  grant,
  openAudience,
  release,
  revoke,
  rowsAbout,
  withdrawal,
} from '../../test/audience-harness';

describe('R10: what rests on a consent goes with it', () => {
  let a: Awaited<ReturnType<typeof openAudience>>;
  beforeAll(async () => {
    a = await openAudience('auddel');
    await a.defineTag.execute(
      {
        key: 'orders_365',
        labels: { 'zh-CN': '近一年订单数', en: 'Orders in the last year' },
        category: 'purchase_preference',
        layer: 'fact',
        fact: { measure: 'order_count', windowDays: 365 },
      },
      'marketer-1',
    );
  });
  afterAll(() => a?.ds.destroy());

  const count = (sql: string, s: string) => a.ds.query(sql, [s]).then((r: { n: number }[]) => r[0].n);
  const derived = async (s: string) => ({
    features: await count('SELECT count(*)::int AS n FROM member_features WHERE subject_ref = $1', s),
    tags: await count('SELECT count(*)::int AS n FROM member_tags WHERE subject_ref = $1', s),
    memberships: await count('SELECT count(*)::int AS n FROM segment_members WHERE subject_ref = $1', s),
  });

  async function memberInASegment() {
    const s = randomUUID();
    const first = randomUUID();
    const second = randomUUID();
    await a.deliver(grant(s));
    await a.deliver(
      release(
        s,
        [
          { daysAgo: 10, amountCents: 5000 },
          { daysAgo: 20, amountCents: 7000 },
        ],
        first,
      ),
    );
    await a.deliver(release(s, [{ daysAgo: 30, amountCents: 9000 }], second));
    await a.refresh.execute();
    const segment = await a.createSegment.execute(
      {
        name: `buyers ${s.slice(0, 8)}`,
        purpose: 'marketing_messages',
        channel: 'sms',
        rule: { tag: 'orders_365', op: 'gte', value: 1 },
      },
      'marketer-1',
    );
    await a.materialize.execute(segment.id);
    await a.messaging.relay.drain();
    expect(await derived(s)).toEqual({ features: 1, tags: 1, memberships: 1 });
    return { s, first, second };
  }

  it('a revoke deletes the release facts and every feature, tag and membership derived from them in its transaction', async () => {
    const { s, first, second } = await memberInASegment();
    await a.deliver(revoke(s, first));
    // Nothing ran in between: the revoke's own transaction deleted them.
    expect(await count('SELECT count(*)::int AS n FROM released_facts WHERE release_id = $1', first)).toBe(0);
    expect(await derived(s)).toEqual({ features: 0, tags: 0, memberships: 0 });
    // The profile comes back from what remains (the other release) only.
    await a.refresh.execute();
    const [tag] = await a.ds.query(
      "SELECT value_num, inputs FROM member_tags WHERE subject_ref = $1 AND tag_key = 'orders_365'",
      [s],
    );
    expect(tag.value_num).toBe(1);
    expect(tag.inputs.releaseIds).toEqual([second]);
  });

  it('a late redelivery of a revoked release brings nothing back', async () => {
    const s = randomUUID();
    const r = release(s, [{ daysAgo: 3, amountCents: 100 }]);
    await a.deliver(grant(s));
    await a.deliver(revoke(s, r.releaseId));
    await a.deliver(r);
    expect(await count('SELECT count(*)::int AS n FROM released_facts WHERE subject_ref = $1', s)).toBe(0);
  });

  it('withdrawing purchase_history deletes the facts and everything derived, and later releases of them stay out', async () => {
    const { s, first } = await memberInASegment();
    await a.deliver(withdrawal(s, ['purchase_history']));
    expect(await count('SELECT count(*)::int AS n FROM released_facts WHERE subject_ref = $1', s)).toBe(0);
    expect(await derived(s)).toEqual({ features: 0, tags: 0, memberships: 0 });
    // The member stays (marketing messages are still allowed), without a profile.
    expect(await count('SELECT count(*)::int AS n FROM members WHERE subject_ref = $1', s)).toBe(1);
    await a.deliver(release(s, [{ daysAgo: 1, amountCents: 100 }], first));
    await a.deliver(release(s, [{ daysAgo: 1, amountCents: 100 }]));
    await a.refresh.execute();
    expect(await count('SELECT count(*)::int AS n FROM released_facts WHERE subject_ref = $1', s)).toBe(0);
    expect(await derived(s)).toEqual({ features: 0, tags: 0, memberships: 0 });
  });

  it('withdrawing every marketing purpose leaves only the minimal suppression record, table by table', async () => {
    const { s } = await memberInASegment();
    await a.deliver(withdrawal(s, ['marketing_messages', 'purchase_history', 'personalisation']));
    await a.refresh.execute();
    const left = await rowsAbout(a.ds, s);
    // Every audience table is listed; only member_consents still names the subject.
    expect(Object.keys(left)).toEqual(
      expect.arrayContaining([
        'members',
        'member_consents',
        'released_facts',
        'member_features',
        'member_tags',
        'segment_members',
        'segment_versions',
        'member_changes',
        'dirty_members',
        'member_category_optouts',
        'outbox',
        'inbox',
      ]),
    );
    expect(Object.fromEntries(Object.entries(left).filter(([, n]) => n > 0))).toEqual({ member_consents: 3 });
    const kept = await a.ds.query('SELECT * FROM member_consents WHERE subject_ref = $1 ORDER BY purpose', [
      s,
    ]);
    for (const row of kept) {
      expect(Object.keys(row).sort()).toEqual(
        [
          'brand_id',
          'channel',
          'effective_at',
          'evidence_ref',
          'granted',
          'ledger_seq',
          'purpose',
          'subject_ref',
        ].sort(),
      );
      expect(row).toMatchObject({ brand_id: BRAND, granted: false, evidence_ref: null, effective_at: null });
    }
  });
});
