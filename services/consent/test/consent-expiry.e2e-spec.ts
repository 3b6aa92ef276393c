import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TOPICS, type Channel } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { adminQuery } from '@siyu/testing';
import { CONSENT_DB } from '../src/consent.options';
import { ExpireConsents } from '../src/expiry/expire-consents.use-case';
import { RecordGrant } from '../src/ledger/record-grant.use-case';
import { BRAND, startConsentApp, type ConsentTestApp } from './consent-test-app';

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

  /**
   * A grant with an expiry, through the one funnel every door grants by (membership joins are the
   * door that sets one; see membership-expiry.e2e-spec.ts for that door end to end).
   */
  async function grantWithExpiry(
    channel: Channel,
    expiresAt: Date | undefined,
    subjectRef: string = randomUUID(),
  ): Promise<string> {
    const ds = t.app.get<DataSource>(CONSENT_DB);
    await ds.transaction((tx) =>
      t.app.get(RecordGrant).in(tx, {
        brandId: BRAND.id,
        subjectRef,
        purposes: ['marketing_messages'],
        channels: [channel],
        noticeHash: randomBytes(32).toString('hex'),
        door: 'membership_join',
        evidence: { evidenceRef: randomUUID() },
        evidenceRef: randomUUID(),
        contactPoints: [],
        link: {},
        expiresAt,
      }),
    );
    return subjectRef;
  }

  it('expires a grant whose expiry has passed, emits consent.withdrawn.v1 (expiry), and a second run does nothing', async () => {
    const subjectRef = await grantWithExpiry('sms', new Date(Date.now() - 1000));
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
    const subjectRef = await grantWithExpiry('sms', new Date(Date.now() + 3600_000));
    await t.app.get(ExpireConsents).expireDue();
    expect((await ledgerOf(subjectRef)).map((e) => e.action)).toEqual(['granted']);
  });

  it('does not expire a pair that was granted again later without expiry', async () => {
    const subjectRef = await grantWithExpiry('wechat', new Date(Date.now() - 1000));
    await grantWithExpiry('wechat', undefined, subjectRef);

    await t.app.get(ExpireConsents).expireDue();
    expect((await ledgerOf(subjectRef)).map((e) => e.action)).toEqual(['granted', 'granted']);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
