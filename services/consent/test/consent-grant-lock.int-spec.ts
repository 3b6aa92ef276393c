import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { adminQuery } from '@siyu/testing';
import { ConsentKeys } from '../src/consent.keys';
import { CONSENT_DB } from '../src/consent.options';
import { AgreeToConsent } from '../src/grants/agree-to-consent.use-case';
import { RecordGrant } from '../src/ledger/record-grant.use-case';
import { NoticeRepository } from '../src/notices/notice.repository';
import { openidIndex } from '../src/wechat/wechat-binding.repository';
import { BRAND, startConsentApp, type ConsentTestApp } from './consent-test-app';

/**
 * Issue 14: the ledger append takes the brand chain's transaction lock, held until COMMIT, so every
 * write of a grant that does not need the entry's seq runs before the append. Here a grant's contact
 * binding is made to wait on another transaction (a row lock, no timers); while it waits, the grant
 * must not hold the chain's lock, and another grant of the same brand must go through.
 */
describe('consent grant funnel: the ledger chain lock is taken after the grant’s other writes', () => {
  let t: ConsentTestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startConsentApp();
    ds = t.app.get<DataSource>(CONSENT_DB);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('does not hold the brand chain lock while its contact binding waits, so another grant of the brand commits meanwhile', async () => {
    const notice = await ds.transaction((tx) => t.app.get(NoticeRepository).findCurrent(tx, BRAND.id));
    if (!notice) throw new Error('the test app has no published notice');
    const openid = `o-${randomUUID()}`;
    const subjectRef = randomUUID();

    // Another transaction writes the same binding and stays open: the grant's binding waits on it.
    const blocker = new Client({ connectionString: t.adminUrl });
    await blocker.connect();
    try {
      const [{ pid: blockerPid }] = (await blocker.query('SELECT pg_backend_pid() AS pid')).rows;
      await blocker.query('BEGIN');
      await blocker.query(
        'INSERT INTO consent.wechat_bindings (brand_id, openid_index, subject_ref) VALUES ($1, $2, $3)',
        [BRAND.id, openidIndex(t.app.get(ConsentKeys).index, BRAND.id, openid), randomUUID()],
      );

      const granting = ds.transaction((tx) =>
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
      const waiterPid = await backendBlockedBy(blockerPid);

      // The waiting grant holds no advisory lock (the chain lock is the consent service's only one).
      expect(
        await adminQuery(t.adminUrl, "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = $1", [
          waiterPid,
        ]),
      ).toEqual([]);
      // ... so a grant of another subject of the same brand appends and commits while it waits.
      const other = await ds.transaction((tx) =>
        t.app.get(RecordGrant).in(tx, {
          brandId: BRAND.id,
          subjectRef: randomUUID(),
          purposes: ['marketing_messages'],
          channels: ['sms'],
          noticeHash: randomBytes(32).toString('hex'),
          door: 'parcel_qr',
          evidence: { tokenId: randomUUID() },
          evidenceRef: randomUUID(),
          contactPoints: [],
          link: {},
        }),
      );

      await blocker.query('ROLLBACK');
      const entry = await granting;
      // Chain order follows commit order of the appends: the waiting grant links after the other one.
      expect(entry.seq).toBeGreaterThan(other.seq);
      expect(
        await adminQuery(t.adminUrl, 'SELECT prev_hash FROM consent.ledger WHERE seq = $1', [entry.seq]),
      ).toEqual([{ prev_hash: other.hash }]);
      expect(
        await adminQuery(
          t.adminUrl,
          'SELECT subject_ref FROM consent.wechat_bindings WHERE openid_index = $1',
          [openidIndex(t.app.get(ConsentKeys).index, BRAND.id, openid)],
        ),
      ).toEqual([{ subject_ref: subjectRef }]);
    } finally {
      await blocker.end();
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
