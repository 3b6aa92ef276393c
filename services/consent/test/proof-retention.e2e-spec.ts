import request from 'supertest';
import { CHANNELS, type Channel } from '@siyu/contracts';
import { adminQuery, bearer } from '@siyu/testing';
import { PurgeExpiredProof } from '../src/proof-retention/purge-expired-proof.use-case';
import { WithdrawConsent } from '../src/withdrawal/withdraw-consent.use-case';
import {
  BRAND,
  consentThroughQr,
  freshPhone,
  startConsentApp,
  type ConsentTestApp,
} from './consent-test-app';

const DAY_MS = 86_400_000;

describe('proof retention (R10, R20): evidence is minimised 153 days after the last withdrawal', () => {
  let t: ConsentTestApp;
  let officer: string;

  beforeAll(async () => {
    t = await startConsentApp();
    officer = await bearer(t.authKeys, 'privacy_officer');
  });
  afterAll(async () => t?.close());

  const purgeAt = (daysAhead: number) =>
    t.app.get(PurgeExpiredProof).execute({ now: new Date(Date.now() + daysAhead * DAY_MS) });
  const entriesOf = (subjectRef: string) =>
    adminQuery<{
      seq: string;
      action: string;
      evidence: Record<string, string>;
      evidence_purged_at: Date | null;
    }>(
      t.adminUrl,
      'SELECT seq, action, evidence, evidence_purged_at FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
      [subjectRef],
    );
  const subjectRow = (subjectRef: string) =>
    adminQuery(t.adminUrl, 'SELECT * FROM consent.subjects WHERE subject_ref = $1', [subjectRef]);
  const verify = async () =>
    (await request(t.http).get('/api/v1/consent/ledger/verify').set('Authorization', officer).expect(200))
      .body;

  async function joinedThenWithdrew(channels: Channel[] = [...CHANNELS]): Promise<string> {
    const subjectRef = await consentThroughQr(t, freshPhone());
    await t.app.get(WithdrawConsent).execute({
      brandId: BRAND.id,
      subjectRef,
      purposes: 'all',
      channels,
      source: 'unsubscribe_link',
      evidence: { tokenId: 'unsub-token-id' },
    });
    return subjectRef;
  }

  it('keeps the evidence for the retention period and minimises it after, with the chain still verifying', async () => {
    const subjectRef = await joinedThenWithdrew();
    const before = await entriesOf(subjectRef);
    expect(before[0].evidence).toMatchObject({
      ipHash: expect.any(String),
      userAgentHash: expect.any(String),
      tokenId: expect.any(String),
    });

    await purgeAt(152);
    expect(await entriesOf(subjectRef)).toEqual(before);
    const [{ phone_index: phoneIndex }] = await subjectRow(subjectRef);
    expect(
      await adminQuery(t.adminUrl, 'SELECT 1 FROM consent.otp_challenges WHERE phone_index = $1', [
        phoneIndex,
      ]),
    ).toHaveLength(1);

    const report = await purgeAt(154);
    expect(report.subjects).toBeGreaterThanOrEqual(1);
    const after = await entriesOf(subjectRef);
    expect(after.map((e) => e.action)).toEqual(['granted', 'withdrawn', 'purged']);
    expect(after.slice(0, 2).map((e) => e.evidence)).toEqual([{}, {}]);
    expect(after.slice(0, 2).every((e) => e.evidence_purged_at !== null)).toBe(true);
    expect(after[2].evidence).toEqual({
      minimisedSeqs: `${before[0].seq},${before[1].seq}`,
      retentionDays: '153',
      contactRowsDeleted: expect.stringMatching(/^[1-9]\d*$/),
    });
    expect(await subjectRow(subjectRef)).toEqual([]);
    const otpsOf = (phoneIndex: unknown) =>
      adminQuery(t.adminUrl, 'SELECT 1 FROM consent.otp_challenges WHERE phone_index = $1', [phoneIndex]);
    expect(await otpsOf(phoneIndex)).toEqual([]);
    expect(await verify()).toMatchObject({ intact: true, problems: [] });

    // The proof of what happened stays readable: actions, purposes, times.
    const history = await request(t.http)
      .get(`/api/v1/consent/subjects/${subjectRef}/history`)
      .set('Authorization', officer)
      .expect(200);
    expect(history.body.entries[0]).toMatchObject({ action: 'granted', door: 'parcel_qr', evidence: {} });

    // A later run finds nothing more to do for this subject.
    await purgeAt(400);
    expect(await entriesOf(subjectRef)).toHaveLength(3);
  });

  it('leaves a subject alone while any consent is active, even long after a partial withdrawal', async () => {
    const active = await consentThroughQr(t, freshPhone());
    const partly = await joinedThenWithdrew(['sms']);
    const before = [await entriesOf(active), await entriesOf(partly)];

    await purgeAt(1000);
    expect([await entriesOf(active), await entriesOf(partly)]).toEqual(before);
    expect(await subjectRow(active)).toHaveLength(1);
    expect(await subjectRow(partly)).toHaveLength(1);
  });

  it('dry run changes nothing and reports what the real run then does', async () => {
    await joinedThenWithdrew();
    await joinedThenWithdrew();
    const snapshot = () =>
      Promise.all([
        adminQuery(t.adminUrl, 'SELECT * FROM consent.ledger ORDER BY seq'),
        adminQuery(t.adminUrl, 'SELECT * FROM consent.subjects ORDER BY subject_ref'),
      ]);
    const before = await snapshot();

    const dry = await request(t.http)
      .post('/api/v1/consent/ledger/purge')
      .set('Authorization', officer)
      .send({ dryRun: true })
      .expect(200);
    // The manual run purges as of now, so nothing is old enough: counts are zero and nothing changes.
    expect(dry.body).toMatchObject({ dryRun: true, retentionDays: 153, subjects: 0, entriesMinimised: 0 });

    const purge = t.app.get(PurgeExpiredProof);
    const now = new Date(Date.now() + 200 * DAY_MS);
    const preview = await purge.execute({ now, dryRun: true });
    expect(preview.subjects).toBeGreaterThanOrEqual(2);
    expect(preview.entriesMinimised).toBeGreaterThanOrEqual(4);
    expect(preview.deleted.subjects).toBe(preview.subjects);
    expect(await snapshot()).toEqual(before);

    const done = await purge.execute({ now });
    expect(done).toEqual({ ...preview, dryRun: false });
    expect(await verify()).toMatchObject({ intact: true });
  });

  it('flags evidence removed outside a recorded purge', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const [grant] = await entriesOf(subjectRef);
    // The trigger lets anyone with write access minimise; only the purge also records it.
    await adminQuery(
      t.adminUrl,
      `UPDATE consent.ledger SET evidence = '{}', evidence_purged_at = now() WHERE seq = $1`,
      [grant.seq],
    );
    const verdict = await verify();
    expect(verdict).toMatchObject({ intact: false, brokenSeq: Number(grant.seq) });
    expect(verdict.problems).toEqual([`entry seq ${grant.seq} lost its evidence without a recorded purge`]);
    // A second minimisation, or putting evidence back, is refused like any other edit.
    await expect(
      adminQuery(
        t.adminUrl,
        `UPDATE consent.ledger SET evidence = $2, evidence_purged_at = NULL WHERE seq = $1`,
        [grant.seq, JSON.stringify(grant.evidence)],
      ),
    ).rejects.toThrow(/append-only/);
    await adminQuery(
      t.adminUrl,
      `BEGIN; ALTER TABLE consent.ledger DISABLE TRIGGER ledger_no_update;
       UPDATE consent.ledger SET evidence = '${JSON.stringify(grant.evidence)}', evidence_purged_at = NULL WHERE seq = ${grant.seq};
       ALTER TABLE consent.ledger ENABLE TRIGGER ledger_no_update; COMMIT;`,
    );
    expect(await verify()).toMatchObject({ intact: true });
  });

  it('names an entry whose evidence was edited', async () => {
    const subjectRef = await consentThroughQr(t, freshPhone());
    const [grant] = await entriesOf(subjectRef);
    const edit = (evidence: object) =>
      adminQuery(
        t.adminUrl,
        `BEGIN; ALTER TABLE consent.ledger DISABLE TRIGGER ledger_no_update;
         UPDATE consent.ledger SET evidence = '${JSON.stringify(evidence)}' WHERE seq = ${grant.seq};
         ALTER TABLE consent.ledger ENABLE TRIGGER ledger_no_update; COMMIT;`,
      );
    await edit({ ...grant.evidence, ipHash: '0000000000000000' });
    expect(await verify()).toMatchObject({
      intact: false,
      brokenSeq: Number(grant.seq),
      problems: [expect.stringContaining('evidence that does not match the digest')],
    });
    await edit(grant.evidence);
    expect(await verify()).toMatchObject({ intact: true });
  });
});
