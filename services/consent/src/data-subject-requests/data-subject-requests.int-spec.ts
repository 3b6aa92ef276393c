import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TOPICS, type HeldDataLine } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { adminQuery, bearer, waitFor } from '@siyu/testing';
import {
  BRAND,
  consentThroughQr,
  freshPhone,
  startConsentApp,
  type ConsentTestApp,
} from '../../test/consent-test-app';

interface Answer {
  requestId: string;
  subjectRef: string;
  service: string;
  kind: string;
  lines: HeldDataLine[];
}

describe('consent answers data-subject requests (R14)', () => {
  let t: ConsentTestApp;

  beforeAll(async () => {
    t = await startConsentApp();
    await t.app
      .get(ServiceMessaging)
      .transport.subscribe('test.privacy', [TOPICS.privacyRequestAnswered], async (m) => {
        answers.push(JSON.parse(m.value) as Answer);
      });
  });
  afterAll(async () => t?.close());

  async function ask(kind: 'access' | 'erasure', subjectRef: string, brandId = BRAND.id): Promise<string> {
    const requestId = randomUUID();
    const event = {
      eventId: randomUUID(),
      type: `privacy.${kind}-requested.v1`,
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      requestId,
      subjectRef,
      brandId,
    };
    const topic = kind === 'access' ? TOPICS.privacyAccessRequested : TOPICS.privacyErasureRequested;
    await t.app
      .get(ServiceMessaging)
      .transport.publish([{ topic, key: subjectRef, value: JSON.stringify(event) }]);
    return requestId;
  }

  // What the privacy service would receive: every answer the relay publishes.
  const answers: Answer[] = [];
  const answerTo = async (requestId: string): Promise<Answer | undefined> => {
    const dead = await adminQuery<{ reason: string }>(t.adminUrl, 'SELECT reason FROM consent.dead_letters');
    if (dead.length) throw new Error(`dead-lettered: ${dead.map((d) => d.reason).join('; ')}`);
    return answers.find((a) => a.requestId === requestId);
  };
  const line = (a: Answer, category: string) => a.lines.find((l) => l.category === category);

  it('answers an access request with what it holds, active consents named, no phone in the answer', async () => {
    const phone = freshPhone();
    const subjectRef = await consentThroughQr(t, phone);
    const requestId = await ask('access', subjectRef);
    const answer = (await waitFor(async () => answerTo(requestId), 'the access answer'))!;
    expect(answer).toMatchObject({ service: 'consent', kind: 'access', subjectRef });
    expect(line(answer, 'consent_ledger')?.records).toBe(1);
    expect(line(answer, 'verified_phone')).toMatchObject({ records: 1, status: 'held' });
    expect(line(answer, 'active_consents')?.explanation).toMatch(/marketing_messages by sms/);
    expect(JSON.stringify(answer)).not.toContain(phone);
    expect(JSON.stringify(answer)).not.toContain(phone.slice(3));
  });

  it('on erasure withdraws everything, deletes contact points and keeps only the ledger as proof, still verifying', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const requestId = await ask('erasure', subjectRef);
    const answer = (await waitFor(async () => answerTo(requestId), 'the erasure answer'))!;

    expect(line(answer, 'consent_ledger')).toMatchObject({ status: 'kept_as_proof', records: 3 });
    expect(line(answer, 'verified_phone')).toMatchObject({ status: 'deleted', records: 1 });
    const entries = await adminQuery<{ action: string; evidence: Record<string, string>; source: string }>(
      t.adminUrl,
      'SELECT action, evidence, source FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );
    expect(entries.map((e) => e.action)).toEqual(['granted', 'withdrawn', 'purged']);
    expect(entries[1].source).toBe('privacy_request');
    expect(entries.slice(0, 2).map((e) => e.evidence)).toEqual([{}, {}]);
    expect(
      await adminQuery(t.adminUrl, 'SELECT 1 FROM consent.subjects WHERE subject_ref = $1', [subjectRef]),
    ).toEqual([]);
    const officer = await bearer(t.authKeys, 'privacy_officer');
    const verdict = await request(t.http)
      .get('/api/v1/consent/ledger/verify')
      .set('Authorization', officer)
      .expect(200);
    expect(verdict.body.intact).toBe(true);
  });

  it('on erasure deletes the subject’s WeCom contact binding and its WeCom events, and says so in the answer', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const externalIndex = `wecom-index-${randomUUID()}`;
    await adminQuery(
      t.adminUrl,
      'INSERT INTO consent.wecom_bindings (brand_id, external_index, subject_ref) VALUES ($1, $2, $3)',
      [BRAND.id, externalIndex, subjectRef],
    );
    await adminQuery(
      t.adminUrl,
      `INSERT INTO consent.wecom_events (brand_id, external_index, change_type, created_at_wecom)
       VALUES ($1, $2, 'add_external_contact', 1796620000), ($1, $2, 'del_follow_user', 1796620100)`,
      [BRAND.id, externalIndex],
    );
    const access = (await waitFor(
      async () => answerTo(await ask('access', subjectRef)),
      'the access answer',
    ))!;
    expect(line(access, 'wecom_bindings')).toMatchObject({ status: 'held', records: 1 });
    expect(line(access, 'wecom_events')).toMatchObject({ status: 'held', records: 2 });

    const requestId = await ask('erasure', subjectRef);
    const answer = (await waitFor(async () => answerTo(requestId), 'the erasure answer'))!;
    expect(line(answer, 'wecom_bindings')).toMatchObject({ status: 'deleted', records: 1 });
    expect(line(answer, 'wecom_events')).toMatchObject({ status: 'deleted', records: 2 });
    const left = await adminQuery(
      t.adminUrl,
      `SELECT 'binding' AS t FROM consent.wecom_bindings WHERE external_index = $1
       UNION ALL SELECT 'event' FROM consent.wecom_events WHERE external_index = $1`,
      [externalIndex],
    );
    expect(left).toEqual([]);
  });

  it('answers an erasure for a subject it never saw with zero records, and ignores another brand', async () => {
    const stranger = randomUUID();
    const requestId = await ask('erasure', stranger);
    const answer = (await waitFor(async () => answerTo(requestId), 'the answer'))!;
    expect(answer.lines.every((l) => l.records === 0)).toBe(true);

    const other = await ask('access', stranger, 'other-brand');
    await new Promise((r) => setTimeout(r, 200));
    expect(await answerTo(other)).toBeUndefined();
  });
});
