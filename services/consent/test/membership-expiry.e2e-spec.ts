import { FakeMembershipPlatform } from '../../../libs/testing/src/fake-vendors';
import { ExpireConsents } from '../src/expiry/expire-consents.use-case';
import { freshPhone } from './consent-test-app';
import { SHOP_ID, shopSecret, startWebhookApp, type WebhookTestApp } from './webhook-test-app';

const DAY_MS = 86_400_000;

describe('door 1 joins carry the membership lifetime (R6, R9, R20)', () => {
  let t: WebhookTestApp;
  let tmall: FakeMembershipPlatform;

  beforeAll(async () => {
    t = await startWebhookApp();
    tmall = new FakeMembershipPlatform({
      baseUrl: t.baseUrl,
      platform: 'tmall',
      shopId: SHOP_ID,
      secret: shopSecret(t),
    });
  });
  afterAll(async () => t?.close());

  const entriesOf = (subjectRef: string) =>
    t.query<{ seq: string; action: string; source: string | null; expires_at: Date | null }>(
      'SELECT seq, action, source, expires_at FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );
  const expiriesOf = (subjectRef: string) =>
    t.query<{ ledger_seq: string; expires_at: Date; done_at: Date | null }>(
      'SELECT ledger_seq, expires_at, done_at FROM consent.consent_expiries WHERE subject_ref = $1 ORDER BY id',
      [subjectRef],
    );
  async function join(overrides: Record<string, unknown>): Promise<string> {
    const body = tmall.joinBody(overrides);
    expect((await tmall.call('bind', body)).json).toMatchObject({ code: 'SUC' });
    const [row] = await t.query<{ subject_ref: string }>(
      `SELECT subject_ref FROM consent.member_links WHERE subject_ref IN
         (SELECT subject_ref FROM consent.ledger WHERE evidence->>'requestId' = $1)`,
      [body.request_id],
    );
    return row.subject_ref;
  }

  it('records the agreement default lifetime (730 days from the join) in the ledger entry and schedules it', async () => {
    const joinTime = Math.floor(Date.now() / 1000) - 3600;
    const subjectRef = await join({ mobile: freshPhone(), agreement_version: '3', join_time: joinTime });
    const [grant] = await entriesOf(subjectRef);
    const expected = new Date(joinTime * 1000 + 730 * DAY_MS);
    expect(grant).toMatchObject({ action: 'granted', expires_at: expected });
    expect(await expiriesOf(subjectRef)).toEqual([
      { ledger_seq: grant.seq, expires_at: expected, done_at: null },
    ]);
  });

  it('lapses after the configured lifetime and not before, through the expiry job', async () => {
    const joinedAt = Date.now();
    const subjectRef = await join({
      omid: `omid_a_${joinedAt}`,
      agreement_version: '5',
      join_time: Math.floor(joinedAt / 1000),
    });
    const expire = t.app.get(ExpireConsents);

    await expire.expireDue(new Date(joinedAt + 29 * DAY_MS));
    expect((await entriesOf(subjectRef)).map((e) => e.action)).toEqual(['granted']);

    await expire.expireDue(new Date(joinedAt + 31 * DAY_MS));
    expect((await entriesOf(subjectRef)).map((e) => [e.action, e.source])).toEqual([
      ['granted', null],
      ['expired', 'expiry'],
    ]);
    const [withdrawn] = await t.eventsFor(subjectRef, 'consent.withdrawn.v1');
    expect(withdrawn).toMatchObject({
      source: 'expiry',
      purposes: ['marketing_messages'],
      channels: ['sms'],
    });
  });

  it('neither extends nor duplicates on a retry or a backfill of the same join', async () => {
    const omid = `omid_b_${Date.now()}`;
    const body = tmall.joinBody({ omid, agreement_version: '5' });
    await tmall.call('bind', body);
    const [{ subject_ref: subjectRef }] = await t.query<{ subject_ref: string }>(
      `SELECT subject_ref FROM consent.ledger WHERE evidence->>'requestId' = $1`,
      [body.request_id],
    );
    const before = await expiriesOf(subjectRef);

    expect((await tmall.call('bind', body)).json).toMatchObject({ code: 'SUC' }); // platform retry
    const later = Math.floor(Date.now() / 1000) + 5 * 86_400;
    await tmall.call('register', tmall.joinBody({ omid, agreement_version: '5', join_time: later })); // backfill, new id

    expect((await entriesOf(subjectRef)).map((e) => e.action)).toEqual(['granted']);
    expect(await expiriesOf(subjectRef)).toEqual(before);
  });

  it('grants afresh, with a new lifetime, when the member joins again after the expiry', async () => {
    const omid = `omid_c_${Date.now()}`;
    const subjectRef = await join({ omid, agreement_version: '5' });
    await t.app.get(ExpireConsents).expireDue(new Date(Date.now() + 31 * DAY_MS));
    expect((await entriesOf(subjectRef)).map((e) => e.action)).toEqual(['granted', 'expired']);

    const rejoin = tmall.joinBody({
      omid,
      agreement_version: '5',
      join_time: Math.floor(Date.now() / 1000) + 1,
    });
    await tmall.call('bind', rejoin);
    const entries = await entriesOf(subjectRef);
    expect(entries.map((e) => e.action)).toEqual(['granted', 'expired', 'granted']);
    expect(entries[2].expires_at!.getTime()).toBe((rejoin.join_time as number) * 1000 + 30 * DAY_MS);
    expect((await expiriesOf(subjectRef)).map((e) => [e.ledger_seq, e.done_at === null])).toEqual([
      [entries[0].seq, false],
      [entries[2].seq, true],
    ]);
  });

  it('grants nothing for a backfilled join whose lifetime has already run out', async () => {
    const omid = `omid_d_${Date.now()}`;
    const before = await t.query('SELECT count(*)::int AS n FROM consent.ledger');
    const old = Math.floor(Date.now() / 1000) - 40 * 86_400;
    expect(
      (await tmall.call('bind', tmall.joinBody({ omid, agreement_version: '5', join_time: old }))).status,
    ).toBe(200);
    expect(await t.query('SELECT count(*)::int AS n FROM consent.ledger')).toEqual(before);
  });
});
