import type { DataSource, EntityManager } from 'typeorm';
import { canonicalJson, chainHash, generateSecretsEnv } from '@siyu/crypto';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { adminQuery, createTestDatabase } from '@siyu/testing';
import { auditAnchorKeysFromEnv, auditAnchorPayload } from './audit-anchors';
import { AuditAnchors1763900007000 } from './audit-anchors.migration';
import { AuditAnchors } from './audit-anchors.providers';
import { appendAudit } from './audit-log';
import { AuditTrail1763900000001 } from './audit.migration';
import { auditTrailVerdict } from './audit-trail.response';

const SERVICE = 'anchored';

/** R20: signed anchors show a removed or rewritten tail, which the hash chain alone cannot. */
describe('signed anchors of a service audit chain (R20)', () => {
  let ds: DataSource;
  let adminUrl: string;
  const keys = auditAnchorKeysFromEnv({ ANCHORED_AUDIT_ANCHOR_SIGNING_KEYS: 'k1:' + seed(1) }, SERVICE)!;
  let anchors: AuditAnchors;
  let n = 0;

  function seed(byte: number): string {
    return Buffer.alloc(32, byte).toString('base64');
  }

  async function append(count: number): Promise<void> {
    for (let i = 0; i < count; i++)
      await ds.transaction((tx) =>
        appendAudit(tx, {
          actor: `staff-${++n}`,
          action: 'test.read',
          purpose: 'after_sales',
          subject: `subject-${n}`,
          fields: ['phone'],
          outcome: 'allowed',
        }),
      );
  }

  /** As the database administrator: the append-only triggers are what stop the service role. */
  async function asDbAdmin(sql: string, params: unknown[] = []): Promise<void> {
    await adminQuery(adminUrl, `ALTER TABLE ${SERVICE}.audit_log DISABLE TRIGGER audit_log_no_update`);
    await adminQuery(
      adminUrl,
      `ALTER TABLE ${SERVICE}.audit_anchors DISABLE TRIGGER audit_anchors_no_update`,
    );
    try {
      await adminQuery(adminUrl, sql, params);
    } finally {
      await adminQuery(adminUrl, `ALTER TABLE ${SERVICE}.audit_log ENABLE TRIGGER audit_log_no_update`);
      await adminQuery(
        adminUrl,
        `ALTER TABLE ${SERVICE}.audit_anchors ENABLE TRIGGER audit_anchors_no_update`,
      );
    }
  }

  /** What an attacker with the database but not the key does: rewrite from `fromSeq` and re-chain. */
  async function rewriteAndRechain(fromSeq: string, purpose: string): Promise<void> {
    const rows = await adminQuery<Record<string, any>>(
      adminUrl,
      `SELECT seq::text AS seq, at, actor, action, purpose, subject, fields, outcome, prev_hash FROM ${SERVICE}.audit_log
        WHERE seq >= $1 ORDER BY seq`,
      [fromSeq],
    );
    let prev: string | null = rows[0].prev_hash;
    for (const r of rows) {
      const edited = r.seq === fromSeq ? purpose : r.purpose;
      const body = canonicalJson({
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        action: r.action,
        purpose: edited,
        subject: r.subject,
        fields: r.fields,
        outcome: r.outcome,
      });
      const hash = chainHash(prev, body);
      await asDbAdmin(
        `UPDATE ${SERVICE}.audit_log SET purpose = $2, prev_hash = $3, hash = $4 WHERE seq = $1`,
        [r.seq, edited, prev, hash],
      );
      prev = hash;
    }
  }

  const verdict = (withAnchors = true) =>
    ds.transaction('REPEATABLE READ', (tx: EntityManager) =>
      auditTrailVerdict(tx, {}, withAnchors ? { service: SERVICE, keys } : undefined),
    );

  beforeEach(async () => {
    adminUrl = await createTestDatabase('auditanchors');
    ds = await openServiceDataSource({
      database: await provisionServiceDatabase(adminUrl, SERVICE),
      entities: [],
      migrations: [AuditTrail1763900000001, AuditAnchors1763900007000],
      poolSize: 2,
    });
    anchors = new AuditAnchors(SERVICE, keys, ds);
    await append(5);
  });
  afterEach(async () => ds?.destroy());

  it('signs head seq, hash and entry count with the service key, once per head', async () => {
    const first = await anchors.anchorNow(new Date('2026-12-07T01:00:00Z'));
    expect(first?.recorded).toBe(true);
    expect(first?.anchor).toMatchObject({
      service: SERVICE,
      count: 5,
      kid: 'k1',
      at: '2026-12-07T01:00:00.000Z',
    });
    expect(keys.verify(auditAnchorPayload(first!.anchor), first!.anchor)).toBe(true);
    expect((await anchors.anchorNow())?.recorded).toBe(false);
    await append(1);
    expect((await anchors.anchorNow())?.anchor.count).toBe(6);
    expect(await verdict()).toMatchObject({ intact: true, anchorsChecked: 2, problems: [] });
  });

  it('refuses to update or delete an anchor for the service role', async () => {
    await anchors.anchorNow();
    await expect(ds.query('DELETE FROM audit_anchors')).rejects.toThrow('audit_anchors is append-only');
    await expect(ds.query("UPDATE audit_anchors SET head_hash = 'x'")).rejects.toThrow('append-only');
  });

  it('detects the newest entries deleted up to the anchor, which the chain alone takes for intact', async () => {
    const { anchor } = (await anchors.anchorNow())!;
    await asDbAdmin(
      `DELETE FROM ${SERVICE}.audit_log WHERE seq IN (SELECT seq FROM ${SERVICE}.audit_log ORDER BY seq DESC LIMIT 2)`,
    );
    const [{ seq: head }] = await adminQuery<{ seq: string }>(
      adminUrl,
      `SELECT max(seq)::text AS seq FROM ${SERVICE}.audit_log`,
    );
    expect(await verdict(false)).toMatchObject({ intact: true, entries: 3 });
    const v = await verdict();
    expect(v).toMatchObject({ intact: false, truncatedAfterSeq: head });
    expect(v.problems?.join(' ')).toContain(
      `entries after seq ${head} are missing: the signed anchor of ${anchor.at} (seq ${anchor.seq}) says the head was seq ${anchor.seq} with 5 entries`,
    );
  });

  it('detects an entry rewritten with every later hash recomputed, naming the anchored entry', async () => {
    const { anchor } = (await anchors.anchorNow())!;
    const [{ seq: second }] = await adminQuery<{ seq: string }>(
      adminUrl,
      `SELECT seq::text FROM ${SERVICE}.audit_log ORDER BY seq OFFSET 1 LIMIT 1`,
    );
    await rewriteAndRechain(second, 'marketing');
    expect(await verdict(false)).toMatchObject({ intact: true });
    const v = await verdict();
    expect(v).toMatchObject({ intact: false, brokenSeq: anchor.seq });
    expect(v.problems?.join(' ')).toContain(`entry seq ${anchor.seq} differs from the signed anchor`);
  });

  it('detects a deleted tail replaced by as many re-chained forged entries', async () => {
    const { anchor } = (await anchors.anchorNow())!;
    await asDbAdmin(`DELETE FROM ${SERVICE}.audit_log WHERE seq = $1`, [anchor.seq]);
    await append(1); // a new head with a new seq: the count matches again, the anchored seq is gone
    const v = await verdict();
    expect(v.intact).toBe(false);
    expect(v.problems?.join(' ')).toContain(`entry seq ${anchor.seq} is missing: the signed anchor`);
  });

  it('rejects an anchor not signed with the service key, even one naming the true head', async () => {
    const { anchor } = (await anchors.anchorNow())!;
    const other = auditAnchorKeysFromEnv({ X_AUDIT_ANCHOR_SIGNING_KEYS: 'k1:' + seed(2) }, 'x')!;
    const forged = { ...anchor, at: new Date().toISOString() };
    const signature = other.sign(auditAnchorPayload(forged)).signature;
    await asDbAdmin(
      `INSERT INTO ${SERVICE}.audit_anchors (service, head_seq, head_hash, entry_count, anchored_at, kid, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [SERVICE, forged.seq, forged.hash, forged.count, forged.at, forged.kid, signature],
    );
    const v = await verdict();
    expect(v.intact).toBe(false);
    expect(v.problems?.join(' ')).toContain('has no valid signature of anchored\'s anchor key "k1"');
  });

  it('says the anchors could not be checked when the service has no anchor key', async () => {
    await anchors.anchorNow();
    const v = await ds.transaction('REPEATABLE READ', (tx) =>
      auditTrailVerdict(tx, {}, { service: SERVICE, keys: null }),
    );
    expect(v).toMatchObject({ intact: false });
    expect(v.problems).toEqual([
      '1 stored anchors could not be checked: ANCHORED_AUDIT_ANCHOR_SIGNING_KEYS is not set',
    ]);
    expect(await new AuditAnchors(SERVICE, null, ds).anchorNow()).toBeNull();
  });

  it('generates a distinct anchor key for every service that keeps an audit chain', () => {
    const env = generateSecretsEnv();
    const kids = ['consent', 'orders', 'audience', 'outreach', 'privacy'].map(
      (s) => auditAnchorKeysFromEnv(env, s)!.current.publicKeyPem,
    );
    expect(new Set(kids).size).toBe(5);
  });
});
