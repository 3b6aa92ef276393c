import { FakeMembershipPlatform } from '../../../libs/testing/src/fake-vendors';
import { freshPhone } from './consent-test-app';
import { SHOP_ID, shopSecret, startWebhookApp, type WebhookTestApp } from './webhook-test-app';

const YEAR_MS = 365.25 * 86_400_000;
const isoDaysFromNow = (years: number, days: number) =>
  new Date(Date.now() - years * YEAR_MS + days * 86_400_000).toISOString().slice(0, 10);

/** R2 / PIPL Art. 31 on door 1: the platform membership webhook applies the consent pages' under-14 rule. */
describe('door 1: a member under 14 joining on the platform (R2)', () => {
  let t: WebhookTestApp;
  let jd: FakeMembershipPlatform;

  beforeAll(async () => {
    t = await startWebhookApp();
    jd = new FakeMembershipPlatform({
      baseUrl: t.baseUrl,
      platform: 'jd',
      shopId: SHOP_ID,
      secret: shopSecret(t),
    });
  });
  afterAll(async () => t?.close());

  const written = async () =>
    (
      await t.query(
        `SELECT (SELECT count(*) FROM consent.ledger)::int AS ledger, (SELECT count(*) FROM consent.member_links)::int AS links,
                (SELECT count(*) FROM consent.subjects)::int AS subjects,
                ((SELECT count(*) FROM consent.outbox WHERE topic LIKE 'consent.%')
                  + (SELECT count(*) FROM consent.outbox_sent WHERE topic LIKE 'consent.%'))::int AS events`,
      )
    )[0];
  const ledgerFor = (requestId: string) =>
    t.query('SELECT * FROM consent.ledger WHERE evidence->>$1 = $2', ['requestId', requestId]);

  it.each([
    ['a birth date 13 years ago', { birthday: isoDaysFromNow(13, 0) }],
    ['a birth date one day short of 14 years', { birthday: isoDaysFromNow(14, 2) }],
    ['an age of 13', { age: 13 }],
  ])(
    'records no marketing consent, member link, subject or event for %s, and tells the platform a guardian must consent',
    async (_, age) => {
      const before = await written();
      const body = jd.joinBody({
        open_id: `open_${Date.now()}`,
        omid: undefined,
        mobile: freshPhone(),
        ...age,
      });
      const res = await jd.call('bind', body);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        success: true,
        code: 'E02',
        bound: false,
        request_id: body.request_id,
      });
      expect(String(res.json.msg)).toContain('未满14周岁');
      expect(await written()).toEqual(before);
      // A retry gets the same answer and still writes nothing; a query says "not bound".
      expect((await jd.call('bind', body)).json).toEqual(res.json);
      expect(
        (await jd.call('query', jd.joinBody({ open_id: body.open_id, omid: undefined }))).json,
      ).toMatchObject({
        bound: false,
      });
      expect(await written()).toEqual(before);
    },
  );

  it('records the join of a member who turned 14, as any other', async () => {
    const body = jd.joinBody({ mobile: freshPhone(), birthday: isoDaysFromNow(14, -2) });
    expect((await jd.call('bind', body)).json).toMatchObject({ code: 'SUC', bound: true });
    expect(await ledgerFor(body.request_id as string)).toEqual([
      expect.objectContaining({ action: 'granted', door: 'membership_join' }),
    ]);
  });

  it('records the join when the platform sends no age, as the consent pages do when the question is skipped', async () => {
    const body = jd.joinBody({ mobile: freshPhone() });
    expect((await jd.call('register', body)).json).toMatchObject({ code: 'SUC', bound: true });
    expect(await ledgerFor(body.request_id as string)).toHaveLength(1);
  });

  it('refuses an unreadable birth date with 400 naming the field, writing nothing and not echoing it', async () => {
    const before = await written();
    const res = await jd.call('bind', jd.joinBody({ mobile: freshPhone(), birthday: '2013-02-30' }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('birthday must be a past date');
    expect(JSON.stringify(res.json)).not.toContain('2013-02-30');
    expect(await written()).toEqual(before);
  });
});
