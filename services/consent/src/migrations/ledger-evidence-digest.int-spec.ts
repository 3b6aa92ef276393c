import { randomUUID } from 'node:crypto';
import { canonicalJson, chainHash } from '@siyu/crypto';
import { MessagingTables1763900000000 } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { adminQuery, createTestDatabase } from '@siyu/testing';
import { LedgerRepository } from '../ledger/ledger.repository';
import { walkChain } from '../ledger/walk-chain';
import { ConsentInitial1763900000100 } from './1763900000100-consent-initial';
import { MembershipWebhooks1763900000800 } from './1763900000800-membership-webhooks';
import { SmsVendorReplies1763900000810 } from './1763900000810-sms-vendor-replies';
import { WechatEvents1763900000820 } from './1763900000820-wechat-events';
import { ConsentNoticesImmutable1763900000900 } from './1763900000900-consent-notices-immutable';
import { ConsentExpiries1763900001200 } from './1763900001200-consent-expiries';
import { LedgerEvidenceDigest1763900002200 } from './1763900002200-ledger-evidence-digest';

const BEFORE = [
  MessagingTables1763900000000,
  ConsentInitial1763900000100,
  MembershipWebhooks1763900000800,
  SmsVendorReplies1763900000810,
  WechatEvents1763900000820,
  ConsentNoticesImmutable1763900000900,
  ConsentExpiries1763900001200,
];

/** A ledger as the first hash scheme wrote it: the evidence itself inside each hashed body. */
async function ledgerWithSchemeOneRows(count: number): Promise<string> {
  const adminUrl = await createTestDatabase('ledgerrehash');
  const db = await provisionServiceDatabase(adminUrl, 'consent');
  const ds = await openServiceDataSource({ database: db, entities: [], migrations: BEFORE });
  let prev: string | null = null;
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.UTC(2026, 10, 1, 8, 0, i)).toISOString();
    const row = {
      brandId: 'demo',
      subjectRef: randomUUID(),
      action: i % 3 === 2 ? 'withdrawn' : 'granted',
      purposes: ['marketing_messages'],
      channels: ['sms'],
      noticeHash: i % 3 === 2 ? null : 'a'.repeat(64),
      door: i % 3 === 2 ? null : 'parcel_qr',
      source: i % 3 === 2 ? 'sms_reply' : null,
      evidence: { tokenId: `t${i}`, ipHash: 'abcdef0123456789' },
    };
    const hash = chainHash(prev, canonicalJson({ ...row, at }));
    await ds.query(
      `INSERT INTO ledger (brand_id, subject_ref, action, purposes, channels, notice_hash, door, source, evidence, at, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        row.brandId,
        row.subjectRef,
        row.action,
        row.purposes,
        row.channels,
        row.noticeHash,
        row.door,
        row.source,
        JSON.stringify(row.evidence),
        at,
        prev,
        hash,
      ],
    );
    prev = hash;
  }
  await ds.destroy();
  return adminUrl;
}

async function migrateToDigests(adminUrl: string) {
  const db = await provisionServiceDatabase(adminUrl, 'consent');
  return openServiceDataSource({
    database: db,
    entities: [],
    migrations: [...BEFORE, LedgerEvidenceDigest1763900002200],
  });
}

describe('migration to evidence digests (ADR 0005)', () => {
  it('re-hashes an intact ledger so it verifies under the new scheme, and records the old head', async () => {
    const adminUrl = await ledgerWithSchemeOneRows(7);
    const [oldHead] = await adminQuery<{ seq: string; hash: string }>(
      adminUrl,
      'SELECT seq, hash FROM consent.ledger ORDER BY seq DESC LIMIT 1',
    );
    const ds = await migrateToDigests(adminUrl);
    try {
      const ledger = new LedgerRepository();
      expect(walkChain(await ledger.chainOf(ds.manager, 'demo'))).toMatchObject({ intact: true, entries: 7 });
      const [rehash] = await adminQuery(adminUrl, 'SELECT * FROM consent.ledger_rehashes');
      const newHead = await ledger.headOf(ds.manager, 'demo');
      expect(rehash).toMatchObject({
        brand_id: 'demo',
        head_seq: oldHead.seq,
        old_head_hash: oldHead.hash,
        new_head_hash: newHead!.hash,
        entries: '7',
      });
      expect(newHead!.hash).not.toBe(oldHead.hash);
      // The evidence is still there, and new entries chain on.
      const [first] = await adminQuery<{ evidence: object }>(
        adminUrl,
        'SELECT evidence FROM consent.ledger ORDER BY seq LIMIT 1',
      );
      expect(first.evidence).toEqual({ tokenId: 't0', ipHash: 'abcdef0123456789' });
      await ds.transaction((tx) =>
        ledger.append(tx, {
          brandId: 'demo',
          subjectRef: randomUUID(),
          action: 'granted',
          purposes: ['marketing_messages'],
          channels: ['sms'],
          evidence: { tokenId: 'after' },
        }),
      );
      expect(walkChain(await ledger.chainOf(ds.manager, 'demo'))).toMatchObject({ intact: true, entries: 8 });
    } finally {
      await ds.destroy();
    }
  });

  it('refuses to re-hash a ledger whose old chain is broken, naming the entry', async () => {
    const adminUrl = await ledgerWithSchemeOneRows(5);
    const [victim] = await adminQuery<{ seq: string }>(
      adminUrl,
      'SELECT seq FROM consent.ledger ORDER BY seq OFFSET 2 LIMIT 1',
    );
    await adminQuery(
      adminUrl,
      `BEGIN; ALTER TABLE consent.ledger DISABLE TRIGGER ledger_no_update;
       UPDATE consent.ledger SET purposes = '{purchase_history}' WHERE seq = ${victim.seq};
       ALTER TABLE consent.ledger ENABLE TRIGGER ledger_no_update; COMMIT;`,
    );
    await expect(migrateToDigests(adminUrl)).rejects.toThrow(
      `is broken at seq ${victim.seq}: refusing to re-hash`,
    );
    const [{ count }] = await adminQuery<{ count: string }>(
      adminUrl,
      `SELECT count(*) FROM information_schema.columns WHERE table_schema = 'consent' AND table_name = 'ledger' AND column_name = 'evidence_digest'`,
    );
    expect(count).toBe('0');
  });
});
