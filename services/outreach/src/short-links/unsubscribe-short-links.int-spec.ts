import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { loadTokenSigner } from '@siyu/crypto';
import { adminQuery } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

const HOST = 'http://127.0.0.1:3002';
const PHONE = '13955554321';

describe('short unsubscribe links in SMS (/t/<code>, ADR 0008)', () => {
  const h = new OutreachHarness();

  beforeAll(async () => {
    await h.start();
    h.startHeartbeat();
  });
  afterAll(async () => h.stop());

  /** One member, one campaign run through the sandbox; the SMS body it sent. */
  async function sendTo(subjectRef: string): Promise<string> {
    await h.grant(subjectRef, PHONE);
    const segment = randomUUID();
    await h.materialize(segment, 1, [subjectRef]);
    const campaign = await h.createCampaign(segment, await h.declareTemplate());
    await h.waitForRun(await h.startRun(campaign), 'done');
    const [sms] = await adminQuery<{ body: string }>(
      h.adminUrl,
      'SELECT body FROM outreach.sandbox_sms ORDER BY id DESC LIMIT 1',
    );
    return sms.body;
  }
  const follow = (path: string) => request(h.http).get(path).redirects(0);

  it('sends a link of at most 30 characters after the host that redirects to a signed unsubscribe page for that member', async () => {
    const subject = randomUUID();
    const body = await sendTo(subject);
    const path = new RegExp(`${HOST.replace(/[./]/g, '\\$&')}(/t/[0-9A-Za-z]{17})(?![0-9A-Za-z])`).exec(
      body,
    )![1];
    expect(path.length).toBeLessThanOrEqual(30);
    const res = await follow(path).expect(302);
    const location = new URL(res.headers.location);
    expect(location.origin).toBe(HOST);
    const [, u, token] = location.pathname.split('/');
    expect(u).toBe('u');
    // Exactly what consent's /u/<token> page redeems (readUnsubscribeLink verifies the same way).
    expect(loadTokenSigner(h.secrets, 'UNSUBSCRIBE').verify(token, 'unsubscribe')).toEqual({
      s: subject,
      b: 'demo',
      c: 'sms',
      u: 'marketing_messages',
    });
  });

  it('counts the short link in the parts and cost shown before sending: the estimate is the sent text’s length', async () => {
    const template = await h.declareTemplate();
    const preview = await request(h.http)
      .post(`/api/v1/outreach/templates/${template}/preview`)
      .set('Authorization', await h.marketer())
      .send({ variables: { offer_code: 'WINTER8' } })
      .expect(200);
    expect(preview.body.text).toMatch(/退订http:\/\/127\.0\.0\.1:3002\/t\/x{17} 回T退订$/);
    const sent = await sendTo(randomUUID());
    expect(preview.body.characters).toBe([...sent].length);
  });

  it('gives a member one link, reused by every later message', async () => {
    const subject = randomUUID();
    const first = /\/t\/[0-9A-Za-z]{17}/.exec(await sendTo(subject))![0];
    const segment = randomUUID();
    await h.materialize(segment, 1, [subject]);
    await h.waitForRun(await h.startRun(await h.createCampaign(segment, await h.declareTemplate())), 'done');
    const [again] = await adminQuery<{ body: string }>(
      h.adminUrl,
      'SELECT body FROM outreach.sandbox_sms ORDER BY id DESC LIMIT 1',
    );
    expect(/\/t\/[0-9A-Za-z]{17}/.exec(again.body)![0]).toBe(first);
  });

  it('explains an expired link in one sentence and does not redirect', async () => {
    const path = /\/t\/[0-9A-Za-z]{17}/.exec(await sendTo(randomUUID()))![0];
    await adminQuery(
      h.adminUrl,
      "UPDATE outreach.short_links SET expires_at = now() - interval '1 second' WHERE code = $1",
      [path.slice(3)],
    );
    const res = await follow(path).expect(410);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('这个退订链接已过期');
    expect(res.text).toContain('This unsubscribe link has expired');
  });

  it('answers a parcel-card code, an unknown code and a malformed one with the same 404 page', async () => {
    await adminQuery(
      h.adminUrl,
      `INSERT INTO outreach.short_links (code, kind, brand_id, claims, expires_at)
       VALUES ('ParcelCardCode123', 'parcel-card', 'demo', '{"o":"x"}', now() + interval '1 day')`,
    );
    const card = await follow('/t/ParcelCardCode123').expect(404);
    const unknown = await follow('/t/BBBBBBBBBBBBBBBBB').expect(404);
    const malformed = await follow('/t/%27%20OR%201=1').expect(404);
    expect(card.text).toBe(unknown.text);
    expect(malformed.text).toBe(unknown.text);
  });

  it('keeps no phone number in the link table: only the subject ref, channel and purpose', async () => {
    const subject = randomUUID();
    await sendTo(subject);
    const rows = await adminQuery<{ claims: Record<string, string> }>(
      h.adminUrl,
      "SELECT claims FROM outreach.short_links WHERE claims->>'s' = $1",
      [subject],
    );
    expect(rows).toEqual([{ claims: { s: subject, c: 'sms', u: 'marketing_messages' } }]);
    const dump = JSON.stringify(await adminQuery(h.adminUrl, 'SELECT * FROM outreach.short_links'));
    expect(dump).not.toContain(PHONE);
  });
});
