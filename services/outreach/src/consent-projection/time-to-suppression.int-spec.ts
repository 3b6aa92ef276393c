import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, type ConsentWithdrawnV1, type WithdrawalSource } from '@siyu/contracts';
import { adminQuery, bearer, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

describe('time from withdrawal to suppression, for the privacy officer (R9, invariant 4)', () => {
  const h = new OutreachHarness();
  let seq = 1_000_000;

  beforeAll(async () => {
    await h.start();
    h.startHeartbeat();
  });
  afterAll(() => h.stop());

  /** consent.withdrawn.v1 whose ledger entry committed `ageMs` ago (a consumer that lagged). */
  async function withdrawn(subjectRef: string, source: WithdrawalSource, ageMs: number): Promise<void> {
    await h.transport.publish([
      {
        topic: TOPICS.consentWithdrawn,
        key: subjectRef,
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: 1,
          occurredAt: new Date().toISOString(),
          type: 'consent.withdrawn.v1',
          subjectRef,
          brandId: 'demo',
          purposes: ['marketing_messages'],
          channels: ['sms'],
          source,
          ledgerSeq: seq++,
          effectiveAt: new Date(Date.now() - ageMs).toISOString(),
        } satisfies ConsentWithdrawnV1),
      },
    ]);
    await waitFor(
      async () =>
        (
          await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.suppressions WHERE subject_ref = $1', [
            subjectRef,
          ])
        ).length > 0,
      'suppressed',
    );
  }

  const figures = async (role: 'privacy_officer' | 'admin' | 'marketer' = 'privacy_officer', q = '') =>
    request(h.http)
      .get(`/api/v1/outreach/withdrawals/time-to-suppression${q}`)
      .set('Authorization', await bearer(h.authKeys, role));

  it('shows how long each no took to reach the send gate, per day, per source and as a histogram, without subject refs', async () => {
    const fast = randomUUID();
    const slow = randomUUID();
    await h.grant(fast, '13600000001');
    await h.grant(slow, '13600000002');
    await withdrawn(fast, 'unsubscribe_link', 0);
    await withdrawn(slow, 'sms_reply', 8_000);
    // A suppression kept before its time was recorded: counted apart, not guessed.
    await adminQuery(
      h.adminUrl,
      `INSERT INTO outreach.suppressions (subject_ref, purposes, channels, source, effective_at, applied_at)
       VALUES ($1, '{marketing_messages}', '{sms}', 'wechat', now() - interval '1 day', NULL)`,
      [randomUUID()],
    );

    const res = await figures();
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.slowAfterSeconds).toBe(5);
    expect(body.notMeasured).toBe(1);
    expect(body.overall.count).toBe(2);
    expect(body.overall.slowCount).toBe(1);
    expect(body.overall.maxSeconds).toBeGreaterThanOrEqual(8);
    expect(body.overall.maxSeconds).toBeLessThan(30);
    const bySource = Object.fromEntries(
      body.bySource.map((s: { source: string; count: number; maxSeconds: number }) => [s.source, s]),
    );
    expect(bySource.sms_reply).toMatchObject({ count: 1, slowCount: 1 });
    expect(bySource.unsubscribe_link).toMatchObject({ count: 1, slowCount: 0 });
    expect(bySource.unsubscribe_link.maxSeconds).toBeLessThan(5);
    expect(body.byDay.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(2);
    expect(body.byDay[0].day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const histogram = body.histogram as { upToSeconds: number | null; count: number }[];
    expect(histogram.map((b) => b.upToSeconds)).toEqual([0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, null]);
    expect(histogram.reduce((n, b) => n + b.count, 0)).toBe(2);
    expect(histogram.find((b) => b.upToSeconds === 10)!.count).toBe(1);
    expect(histogram.slice(0, 7).reduce((n, b) => n + b.count, 0)).toBe(1);
    expect(JSON.stringify(body)).not.toContain(fast);
    expect(JSON.stringify(body)).not.toContain(slow);
  });

  it('is for privacy officers and admins; marketers are refused and a bad window is refused by field', async () => {
    expect((await figures('admin')).status).toBe(200);
    expect((await figures('marketer')).status).toBe(403);
    const bad = await figures('privacy_officer', '?days=0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['days']);
  });
});
