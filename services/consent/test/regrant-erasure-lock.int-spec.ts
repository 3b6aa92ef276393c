import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { PrivacyErasureRequestedV1 } from '@siyu/contracts';
import { adminQuery } from '@siyu/testing';
import { ConsentKeys } from '../src/consent.keys';
import { CONSENT_DB } from '../src/consent.options';
import { ConsentSubjectData } from '../src/data-subject-requests/consent-subject-data.port';
import { AgreeToConsent } from '../src/grants/agree-to-consent.use-case';
import { NoticeRepository } from '../src/notices/notice.repository';
import { openidIndex } from '../src/wechat/wechat-binding.repository';
import { BRAND, startConsentApp, type ConsentTestApp } from './consent-test-app';

/**
 * Issue 14: a re-grant binds the subject's contact point (a row lock) before its ledger append takes
 * the brand chain's lock (docs/consent/ledger-write-order.md); an erasure of the same subject used to
 * take the chain's lock (its withdrawal's append) before deleting those very rows. Two transactions
 * meeting there waited on each other: PostgreSQL aborted one with 40P01 (deadlock detected).
 * The interleaving is forced with a third connection and pg_blocking_pids, no timers.
 */
describe('consent: a re-grant and an erasure of the same subject at the same instant', () => {
  let t: ConsentTestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startConsentApp();
    ds = t.app.get<DataSource>(CONSENT_DB);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('both commit, in a consistent lock order, instead of one failing with a deadlock', async () => {
    const notice = await ds.transaction((tx) => t.app.get(NoticeRepository).findCurrent(tx, BRAND.id));
    if (!notice) throw new Error('the test app has no published notice');
    const openid = `o-${randomUUID()}`;
    const index = openidIndex(t.app.get(ConsentKeys).index, BRAND.id, openid);
    const subjectRef = randomUUID();
    const grant = () =>
      ds.transaction((tx) =>
        t.app.get(AgreeToConsent).in(tx, {
          brandId: BRAND.id,
          subjectRef,
          purposes: ['marketing_messages'],
          channels: ['wechat'],
          notice,
          door: 'parcel_qr',
          proof: { by: 'wechat_oauth', openid, ticketId: randomUUID() },
          evidence: { tokenId: randomUUID() },
          link: {},
        }),
      );
    // The subject granted by WeChat once: their openid is bound to them.
    const first = await grant();

    // A third connection holds the subject's ledger rows, so the erasure stops at its evidence
    // minimisation — after its withdrawal took the chain's lock (old order) — until it is let go.
    const holder = new Client({ connectionString: t.adminUrl });
    await holder.connect();
    try {
      const [{ pid: holderPid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows;
      await holder.query('BEGIN');
      await holder.query('SELECT seq FROM consent.ledger WHERE subject_ref = $1 FOR UPDATE', [subjectRef]);

      const erasure: PrivacyErasureRequestedV1 = {
        type: 'privacy.erasure-requested.v1',
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        schemaVersion: 1,
        requestId: randomUUID(),
        subjectRef,
        brandId: BRAND.id,
      } as PrivacyErasureRequestedV1;
      const erasing = ds.transaction((tx) => t.app.get(ConsentSubjectData).erase(tx, erasure));
      erasing.catch(() => undefined); // awaited below
      const erasurePid = await backendBlockedBy(holderPid);

      // The re-grant arrives now and waits on the erasure (whichever lock it meets first).
      const regranting = grant();
      regranting.catch(() => undefined); // awaited below
      await backendBlockedBy(erasurePid);

      // Let the erasure go on: with the old order it now waits on the re-grant's binding row while
      // the re-grant waits on the chain lock the erasure holds.
      await holder.query('ROLLBACK');
      const [erased, regranted] = await Promise.allSettled([erasing, regranting]);
      expect(erased).toMatchObject({ status: 'fulfilled' });
      expect(regranted).toMatchObject({ status: 'fulfilled' });

      // The erasure ran first (it held its locks first): it withdrew the first grant and purged the
      // evidence; the re-grant, committed after it, is the subject's latest entry and binds the openid again.
      const entries = await adminQuery<{ seq: string; action: string }>(
        t.adminUrl,
        'SELECT seq, action FROM consent.ledger WHERE subject_ref = $1 ORDER BY seq',
        [subjectRef],
      );
      expect(entries.map((e) => e.action)).toEqual(['granted', 'withdrawn', 'purged', 'granted']);
      expect(Number(entries[0].seq)).toBe(first.seq);
      expect(
        await adminQuery(
          t.adminUrl,
          'SELECT subject_ref FROM consent.wechat_bindings WHERE openid_index = $1',
          [index],
        ),
      ).toEqual([{ subject_ref: subjectRef }]);
    } finally {
      await holder.end();
    }
  });

  /** The backend whose lock wait `blockerPid` causes, once there is one (polled; no timing asserted). */
  async function backendBlockedBy(blockerPid: number): Promise<number> {
    for (;;) {
      const rows = await adminQuery<{ pid: number }>(
        t.adminUrl,
        'SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
        [blockerPid],
      );
      if (rows.length > 0) return rows[0].pid;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
});
