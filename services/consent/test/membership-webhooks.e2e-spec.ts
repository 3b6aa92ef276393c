import { FakeMembershipPlatform } from '../../../libs/testing/src/fake-vendors';
import { freshPhone } from './consent-test-app';
import { SHOP_ID, shopSecret, startWebhookApp, type WebhookTestApp } from './webhook-test-app';

describe('door 1: platform membership webhooks (R6, R7, R9, R20)', () => {
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

  afterAll(async () => {
    await t?.close();
  });

  const ledgerFor = (requestId: string) =>
    t.query('SELECT * FROM consent.ledger WHERE evidence->>$1 = $2 ORDER BY seq', ['requestId', requestId]);
  const entriesOf = (subjectRef: string) =>
    t.query(
      'SELECT action, door, source, purposes, channels FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );
  // Everything a call could write: ledger, links, remembered calls and nonces, events. Events are
  // counted in the outbox (relayed or not yet), not as received: a previous call's event may still be
  // in flight when the snapshot is taken, which made this comparison flaky under load.
  const counts = async () => {
    const [row] = await t.query(
      `SELECT (SELECT count(*) FROM consent.ledger)::int AS ledger, (SELECT count(*) FROM consent.member_links)::int AS links,
              (SELECT count(*) FROM consent.membership_calls)::int AS calls, (SELECT count(*) FROM consent.webhook_nonces)::int AS nonces,
              ((SELECT count(*) FROM consent.outbox WHERE topic LIKE 'consent.%')
                + (SELECT count(*) FROM consent.outbox_sent WHERE topic LIKE 'consent.%'))::int AS events`,
    );
    return row;
  };

  it('records a join with a platform-verified mobile as a membership_join grant and publishes consent.granted.v1 with the phone sealed', async () => {
    const phone = freshPhone();
    const body = tmall.joinBody({ mobile: phone, agreement_version: '3' });
    const res = await tmall.call('bind', body);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, code: 'SUC', request_id: body.request_id, bound: true });

    const [entry] = await ledgerFor(body.request_id as string);
    expect(entry).toMatchObject({
      action: 'granted',
      door: 'membership_join',
      purposes: ['marketing_messages'],
      channels: ['sms'],
    });
    expect(entry.evidence).toMatchObject({
      platform: 'tmall',
      shopId: SHOP_ID,
      agreementVersion: '3',
      contactVerifiedBy: 'platform_membership',
    });
    const [granted] = await t.eventsFor(entry.subject_ref, 'consent.granted.v1');
    expect(granted).toMatchObject({
      door: 'membership_join',
      purposes: ['marketing_messages'],
      channels: ['sms'],
    });
    expect(granted.contactPoints).toEqual([
      { channel: 'sms', sealed: expect.stringMatching(/^c1\.k\d{8}\./) },
    ]);
    // R1/R16: neither the phone nor the platform member id travels or rests in clear.
    expect(JSON.stringify(t.events)).not.toContain(phone);
    expect(JSON.stringify(t.events)).not.toContain(body.omid as string);
    expect(JSON.stringify(await t.query('SELECT * FROM consent.member_links'))).not.toContain(
      body.omid as string,
    );
  });

  it('keys a member without a full mobile by the blind index of the platform member id and seals no contact point', async () => {
    const body = tmall.joinBody({ mix_mobile: '139****5678', mobile: '139****5678', agreement_version: '4' });
    expect((await tmall.call('register', body)).json).toMatchObject({ code: 'SUC', bound: true });
    const [entry] = await ledgerFor(body.request_id as string);
    expect(entry).toMatchObject({
      purposes: ['marketing_messages', 'purchase_history'],
      channels: ['sms', 'wechat'],
    });
    expect(entry.evidence.contactVerifiedBy).toBe('none');
    const [granted] = await t.eventsFor(entry.subject_ref, 'consent.granted.v1');
    expect(granted.contactPoints).toEqual([]);
    expect(
      await t.query('SELECT 1 FROM consent.subjects WHERE subject_ref = $1', [entry.subject_ref]),
    ).toHaveLength(0);

    // The same member joining again later is the same subject.
    const again = tmall.joinBody({ omid: body.omid, agreement_version: '3' });
    await tmall.call('bind', again);
    const [link] = await t.query('SELECT subject_ref FROM consent.member_links WHERE subject_ref = $1', [
      entry.subject_ref,
    ]);
    expect(link).toBeDefined();
  });

  it('answers a retried call (same request id) with the same answer and writes no second ledger entry, even when retries race', async () => {
    const body = tmall.joinBody({ mobile: freshPhone() });
    const answers = await Promise.all([
      tmall.call('bind', body),
      tmall.call('bind', body),
      tmall.call('bind', body),
    ]);
    const later = await tmall.call('bind', body);
    for (const a of [...answers, later]) {
      expect(a.status).toBe(200);
      expect(a.json).toEqual(answers[0].json);
    }
    const entries = await ledgerFor(body.request_id as string);
    expect(entries).toHaveLength(1);
    await t.eventsFor(entries[0].subject_ref, 'consent.granted.v1');
    await new Promise((r) => setTimeout(r, 200));
    expect(t.events.filter((e) => e.subjectRef === entries[0].subject_ref)).toHaveLength(1);
  });

  it('adds nothing for a platform backfill of a join already recorded under another request id', async () => {
    const first = tmall.joinBody({ mobile: freshPhone() });
    await tmall.call('bind', first);
    const [entry] = await ledgerFor(first.request_id as string);
    const backfill = { ...first, request_id: `backfill-${first.request_id}` };
    expect((await tmall.call('bind', backfill)).json).toMatchObject({ code: 'SUC', bound: true });
    expect(await entriesOf(entry.subject_ref)).toHaveLength(1);
  });

  it('refuses a replayed nonce with 401 and writes nothing for it', async () => {
    const nonce = 'replay-nonce-0001';
    const first = tmall.joinBody({ mobile: freshPhone() });
    expect((await tmall.call('bind', first, { nonce })).status).toBe(200);
    const before = await counts();
    const replay = tmall.joinBody({ mobile: freshPhone() });
    const res = await tmall.call('bind', replay, { nonce });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('MEMBERSHIP_NONCE_REPLAYED');
    expect(await ledgerFor(replay.request_id as string)).toHaveLength(0);
    expect(await counts()).toEqual(before);
  });

  it('refuses a timestamp more than five minutes old or ahead with 401 and writes nothing', async () => {
    const before = await counts();
    for (const skew of [-301, 301]) {
      const body = tmall.joinBody({ mobile: freshPhone() });
      const res = await tmall.call('bind', body, { timestamp: Math.floor(Date.now() / 1000) + skew });
      expect(res.status).toBe(401);
      expect(res.json.code).toBe('MEMBERSHIP_TIMESTAMP_OUT_OF_WINDOW');
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a bad signature, an unsigned call, another shop’s secret and an unknown shop with 401, changing nothing', async () => {
    const before = await counts();
    const body = () => tmall.joinBody({ mobile: freshPhone() });
    expect((await tmall.call('bind', body(), { secret: 'not-the-secret' })).status).toBe(401);
    expect((await tmall.call('bind', body(), { unsigned: true })).status).toBe(401);
    expect((await tmall.call('bind', body(), { secret: shopSecret(t, 'other-shop') })).status).toBe(401);
    const stranger = new FakeMembershipPlatform({
      baseUrl: t.baseUrl,
      platform: 'tmall',
      shopId: 'no-such-shop',
      secret: 'x',
    });
    const res = await stranger.call('bind', body());
    expect(res.status).toBe(401);
    expect(res.json.code).toBe('MEMBERSHIP_SIGNATURE_INVALID');
    expect(await counts()).toEqual(before);
  });

  it('withdraws at once on unbind (ledger withdrawn, consent.withdrawn.v1 from membership_unbind), and query reports bound, then not bound', async () => {
    const join = tmall.joinBody({ mobile: freshPhone(), agreement_version: '4' });
    await tmall.call('bind', join);
    const [entry] = await ledgerFor(join.request_id as string);
    expect((await tmall.call('query', { request_id: 'q1', omid: join.omid })).json).toMatchObject({
      code: 'SUC',
      bound: true,
    });

    const unbind = { request_id: `unbind-${join.request_id}`, omid: join.omid };
    const res = await tmall.call('unbind', unbind);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, code: 'E02', bound: false });
    expect(await entriesOf(entry.subject_ref)).toEqual([
      {
        action: 'granted',
        door: 'membership_join',
        source: null,
        purposes: ['marketing_messages', 'purchase_history'],
        channels: ['sms', 'wechat'],
      },
      {
        action: 'withdrawn',
        door: null,
        source: 'membership_unbind',
        purposes: ['marketing_messages', 'purchase_history'],
        channels: ['sms', 'wechat'],
      },
    ]);
    const [withdrawn] = await t.eventsFor(entry.subject_ref, 'consent.withdrawn.v1');
    expect(withdrawn).toMatchObject({ source: 'membership_unbind', channels: ['sms', 'wechat'] });
    expect((await tmall.call('query', { request_id: 'q2', omid: join.omid })).json).toMatchObject({
      code: 'E02',
      bound: false,
    });

    // Unbinding again, or a member we never saw, answers the same and writes nothing.
    expect(
      (await tmall.call('unbind', { ...unbind, request_id: `again-${join.request_id}` })).json,
    ).toMatchObject({ bound: false });
    expect((await tmall.call('unbind', { request_id: 'stranger', omid: 'never-joined' })).json).toMatchObject(
      { bound: false },
    );
    expect(await entriesOf(entry.subject_ref)).toHaveLength(2);
  });

  it('does not let a late backfill of a join from before the member’s withdrawal grant again (R6: no act, no consent)', async () => {
    const joinedAt = Math.floor(Date.now() / 1000) - 60;
    const join = tmall.joinBody({ mobile: freshPhone(), join_time: joinedAt });
    await tmall.call('bind', join);
    const [entry] = await ledgerFor(join.request_id as string);
    await tmall.call('unbind', { request_id: `u-${join.request_id}`, omid: join.omid });
    await tmall.call('bind', { ...join, request_id: `late-backfill-${join.request_id}` });
    expect((await entriesOf(entry.subject_ref)).map((e) => e.action)).toEqual(['granted', 'withdrawn']);

    // A genuinely new join after the withdrawal is a new act and counts.
    await tmall.call('bind', {
      ...join,
      request_id: `rejoin-${join.request_id}`,
      join_time: Math.floor(Date.now() / 1000) + 1,
    });
    expect((await entriesOf(entry.subject_ref)).map((e) => e.action)).toEqual([
      'granted',
      'withdrawn',
      'granted',
    ]);
  });

  it('grants nothing for an agreement version the shop has not configured (422), and a retry after configuring would still be answered', async () => {
    const body = tmall.joinBody({ mobile: freshPhone(), agreement_version: '99' });
    const res = await tmall.call('bind', body);
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('MEMBERSHIP_AGREEMENT_UNKNOWN');
    expect(await ledgerFor(body.request_id as string)).toHaveLength(0);
    expect(
      await t.query('SELECT 1 FROM consent.membership_calls WHERE request_id = $1', [body.request_id]),
    ).toHaveLength(0);
  });

  it('refuses a body without request id or member id with 400', async () => {
    const res = await tmall.call('bind', { agreement_version: '3' });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('MEMBERSHIP_BODY_INVALID');
  });
});
