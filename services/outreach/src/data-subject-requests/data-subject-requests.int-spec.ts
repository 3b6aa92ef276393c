import { randomUUID } from 'node:crypto';
import { readAudit, verifyAuditTrail } from '@siyu/audit';
import { TOPICS, type HeldDataLine } from '@siyu/contracts';
import { adminQuery, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

interface Answer {
  requestId: string;
  subjectRef: string;
  service: string;
  kind: string;
  lines: HeldDataLine[];
}

describe('outreach answers data-subject requests (R14)', () => {
  const h = new OutreachHarness();
  const answers: Answer[] = [];

  beforeAll(async () => {
    await h.start({ runner: { pollMs: 0 } });
    await h.transport.subscribe('privacy-spy', [TOPICS.privacyRequestAnswered], async (m) => {
      answers.push(JSON.parse(m.value));
    });
  });
  afterAll(() => h.stop());

  async function ask(kind: 'access' | 'erasure', subjectRef: string, brandId = 'demo'): Promise<string> {
    const requestId = randomUUID();
    await h.transport.publish([
      {
        topic: kind === 'access' ? TOPICS.privacyAccessRequested : TOPICS.privacyErasureRequested,
        key: subjectRef,
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: 1,
          occurredAt: new Date().toISOString(),
          type: `privacy.${kind}-requested.v1`,
          requestId,
          subjectRef,
          brandId,
        }),
      },
    ]);
    return requestId;
  }
  const answerTo = async (requestId: string): Promise<Answer> =>
    (await waitFor(async () => answers.find((a) => a.requestId === requestId), `outreach's answer`, 10_000))!;
  const line = (a: Answer, category: string) => a.lines.find((l) => l.category === category);

  it('answers an access request with what it holds on the subject, counted, with no phone in the answer', async () => {
    const subjectRef = randomUUID();
    await h.grant(subjectRef, '13900001111');
    await h.materialize(randomUUID(), 1, [subjectRef]);
    await waitFor(
      async () =>
        (
          await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.segment_members WHERE subject_ref = $1', [
            subjectRef,
          ])
        ).length > 0,
      'the segment membership',
    );
    const answer = await answerTo(await ask('access', subjectRef));
    expect(answer).toMatchObject({ service: 'outreach', kind: 'access', subjectRef });
    expect(line(answer, 'contact_points')).toMatchObject({ records: 1, status: 'held' });
    expect(line(answer, 'consent_copy')).toMatchObject({ records: 1, status: 'held' });
    expect(line(answer, 'segment_memberships')).toMatchObject({ records: 1, status: 'held' });
    expect(JSON.stringify(answer)).not.toContain('13900001111');
    const audit = await readAudit(h.ds.manager, subjectRef);
    expect(audit.map((e) => [e.actor, e.action, e.purpose])).toContainEqual([
      'privacy-request',
      'data-subject-request.access.answered',
      'data_subject_rights',
    ]);
  });

  it('erases contact points and segment memberships, turns the consent copy off and keeps the send log as proof', async () => {
    const subjectRef = randomUUID();
    await h.grant(subjectRef, '13900002222');
    await h.materialize(randomUUID(), 1, [subjectRef]);
    await waitFor(
      async () =>
        (
          await adminQuery(h.adminUrl, 'SELECT 1 FROM outreach.segment_members WHERE subject_ref = $1', [
            subjectRef,
          ])
        ).length > 0,
      'the segment membership',
    );
    const answer = await answerTo(await ask('erasure', subjectRef));
    expect(line(answer, 'contact_points')).toMatchObject({ records: 1, status: 'deleted' });
    expect(line(answer, 'segment_memberships')).toMatchObject({ records: 1, status: 'deleted' });
    expect(line(answer, 'consent_copy')).toMatchObject({ status: 'kept_as_proof' });
    expect(
      await adminQuery(
        h.adminUrl,
        `SELECT 1 FROM outreach.contact_points WHERE subject_ref = $1
          UNION ALL SELECT 1 FROM outreach.segment_members WHERE subject_ref = $1
          UNION ALL SELECT 1 FROM outreach.consent_projection WHERE subject_ref = $1 AND granted`,
        [subjectRef],
      ),
    ).toEqual([]);
    expect((await verifyAuditTrail(h.ds.manager)).intact).toBe(true);
  });

  it("does not answer another brand's request", async () => {
    const subjectRef = randomUUID();
    await h.grant(subjectRef, '13900003333');
    const other = await ask('access', subjectRef, 'other-brand');
    const ours = await ask('access', subjectRef);
    await answerTo(ours);
    expect(answers.some((a) => a.requestId === other)).toBe(false);
  });
});
