import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { adminQuery } from '@siyu/testing';
import { ConsentKeys } from '../src/consent.keys';
import { ExpireConsents } from '../src/expiry/expire-consents.use-case';
import { GrantConsentByWechat } from '../src/qr-consent/grant-consent-by-wechat.use-case';
import { GrantConsentByQr } from '../src/qr-consent/grant-consent.use-case';
import { issueOpenidTicket } from '../src/qr-consent/wechat-oauth-tokens';
import {
  currentShownNotice,
  freshPhone,
  inviteToken,
  lastCode,
  nonceIn,
  startConsentApp,
  type ConsentTestApp,
} from './consent-test-app';

describe('consent expiry (R20 §2): a grant past its expiry lapses like a withdrawal', () => {
  let t: ConsentTestApp;
  const events: Record<string, any>[] = [];

  beforeAll(async () => {
    t = await startConsentApp();
    await t.app
      .get(ServiceMessaging)
      .transport.subscribe('consent-expiry-spec', [TOPICS.consentWithdrawn], async (m) => {
        const value = JSON.parse(m.value);
        if (value.type === 'consent.withdrawn.v1') events.push(value);
      });
  });

  afterAll(async () => {
    await t?.close();
  });

  const ledgerOf = (subjectRef: string) =>
    adminQuery<{ action: string; source: string | null; channels: string[] }>(
      t.adminUrl,
      'SELECT action, source, channels FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );

  /** Door 2 with the phone code, granting through the use case so an expiry can be attached. */
  async function grantByQr(expiresAt: Date): Promise<string> {
    const token = inviteToken(t);
    const phone = freshPhone();
    const landing = await request(t.http).get(`/q/${token}`).expect(200);
    await request(t.http)
      .post(`/q/${token}/code`)
      .type('form')
      .send({ phone, nonce: nonceIn(landing.text) })
      .expect(200);
    const outcome = await t.app.get(GrantConsentByQr).execute({
      token,
      phone,
      code: await lastCode(t.adminUrl),
      agree: true,
      shownNotice: await currentShownNotice(t),
      purposes: ['marketing_messages'],
      channels: ['sms'],
      ip: '127.0.0.1',
      userAgent: 'jest',
      expiresAt,
    });
    return outcome.subjectRef;
  }

  it('expires a grant whose expiry has passed, emits consent.withdrawn.v1 (expiry), and a second run does nothing', async () => {
    const subjectRef = await grantByQr(new Date(Date.now() - 1000));
    const expire = t.app.get(ExpireConsents);

    expect(await expire.expireDue()).toBeGreaterThanOrEqual(1);
    expect(await ledgerOf(subjectRef)).toEqual([
      { action: 'granted', source: null, channels: ['sms'] },
      { action: 'expired', source: 'expiry', channels: ['sms'] },
    ]);
    await waitFor(() => events.some((e) => e.subjectRef === subjectRef));
    expect(events.filter((e) => e.subjectRef === subjectRef)).toEqual([
      expect.objectContaining({ source: 'expiry', purposes: ['marketing_messages'], channels: ['sms'] }),
    ]);

    expect(await expire.expireDue()).toBe(0);
    expect(await ledgerOf(subjectRef)).toHaveLength(2);
  });

  it('leaves a grant whose expiry is still ahead', async () => {
    const subjectRef = await grantByQr(new Date(Date.now() + 3600_000));
    await t.app.get(ExpireConsents).expireDue();
    expect((await ledgerOf(subjectRef)).map((e) => e.action)).toEqual(['granted']);
  });

  it('does not expire a pair that was granted again later without expiry', async () => {
    const keys = t.app.get(ConsentKeys);
    const openid = `o${randomBytes(14).toString('base64url')}`;
    const grantByWechat = async (expiresAt?: Date) => {
      const token = inviteToken(t, randomUUID());
      return t.app.get(GrantConsentByWechat).execute({
        token,
        ticket: issueOpenidTicket(keys.invitations, keys.contacts, token, openid),
        agree: true,
        shownNotice: await currentShownNotice(t),
        purposes: ['marketing_messages'],
        channels: ['wechat'],
        ip: '127.0.0.1',
        userAgent: 'jest',
        expiresAt,
      });
    };
    const first = await grantByWechat(new Date(Date.now() - 1000));
    const second = await grantByWechat();
    expect(second.subjectRef).toBe(first.subjectRef);

    await t.app.get(ExpireConsents).expireDue();
    expect((await ledgerOf(first.subjectRef)).map((e) => e.action)).toEqual(['granted', 'granted']);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
