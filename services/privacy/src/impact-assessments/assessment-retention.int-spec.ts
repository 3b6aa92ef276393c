import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, createTestDatabase } from '@siyu/testing';
import { PrivacyModule } from '../privacy.module';
import { DeleteExpiredAssessments, RETENTION_ACTOR } from './delete-expired-assessments.use-case';
import { RecordImpactAssessment } from './record-impact-assessment.use-case';

const officer = { id: 'officer-1', kind: 'staff' as const, role: 'privacy_officer' as const };
const input = (subjectKey: string) => ({
  subjectKey,
  summary: 'segments select campaign recipients',
  risks: 'over-targeting',
  measures: 'consent guards',
  conclusion: 'acceptable_with_measures' as const,
});
const at = (iso: string) => new Date(iso);

/** PIPL Art. 56 (R18): assessments are kept at least three years, then deleted by the retention job. */
describe('impact-assessment retention (R18, PIPL Art. 56)', () => {
  let app: INestApplication;
  let adminUrl: string;
  let record: RecordImpactAssessment;
  let retention: DeleteExpiredAssessments;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('pipiaretention');
    const moduleRef = await Test.createTestingModule({
      imports: [
        PrivacyModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(),
          brandId: 'demo',
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    record = app.get(RecordImpactAssessment);
    retention = app.get(DeleteExpiredAssessments);
  });
  afterAll(() => app?.close());

  const ids = async () =>
    (
      await adminQuery<{ id: string }>(
        adminUrl,
        'SELECT id FROM privacy.impact_assessments ORDER BY assessed_at',
      )
    ).map((r) => r.id);

  it('keeps an assessment until three years have passed, then deletes it and audits the deletion', async () => {
    const old = await record.execute(
      officer,
      input('purpose:marketing_messages'),
      at('2023-03-01T08:00:00Z'),
    );
    const newer = await record.execute(officer, input('minors:under_14'), at('2024-07-01T08:00:00Z'));
    expect(old.keepUntil).toBe('2026-03-01T08:00:00.000Z');

    expect(await retention.execute(at('2026-03-01T07:59:59.999Z'))).toEqual({ deleted: 0 });
    expect(await ids()).toEqual(expect.arrayContaining([old.id, newer.id]));

    expect(await retention.execute(at('2026-03-01T08:00:00Z'))).toEqual({ deleted: 1 });
    const left = await ids();
    expect(left).not.toContain(old.id);
    expect(left).toContain(newer.id);
    const audit = await adminQuery(
      adminUrl,
      "SELECT actor, action, purpose, fields FROM privacy.audit_log WHERE subject = $1 AND action = 'impact-assessment.deleted'",
      [`impact-assessment:${old.id}`],
    );
    expect(audit).toEqual([
      {
        actor: RETENTION_ACTOR,
        action: 'impact-assessment.deleted',
        purpose: 'retention',
        fields: ['purpose:marketing_messages'],
      },
    ]);
    // Running again deletes nothing more.
    expect(await retention.execute(at('2026-03-02T00:00:00Z'))).toEqual({ deleted: 0 });
  });

  it('never deletes an assessment younger than three years, even when its keep-until was moved earlier', async () => {
    const recent = await record.execute(
      officer,
      input('automated_decision:segment_targeting'),
      at('2025-01-10T00:00:00Z'),
    );
    await adminQuery(
      adminUrl,
      "UPDATE privacy.impact_assessments SET keep_until = '2025-02-01' WHERE id = $1",
      [recent.id],
    );
    await retention.execute(at('2026-06-01T00:00:00Z'));
    expect(await ids()).toContain(recent.id);
    await retention.execute(at('2028-01-10T00:00:00Z'));
    expect(await ids()).not.toContain(recent.id);
  });
});
