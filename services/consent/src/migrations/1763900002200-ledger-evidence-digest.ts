import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { canonicalJson, chainHash } from '@siyu/crypto';

const BATCH = 1000;

/**
 * ADR 0005: each ledger entry's hash commits to a digest of its evidence instead of the evidence, so
 * the proof-retention purge can minimise evidence (R10) while the chain still verifies (R20). Also:
 * grants may carry `expires_at` (hashed), and `purged` entries record a purge.
 *
 * Existing rows are re-hashed once, after their old chain verified intact (a broken chain stops
 * the migration: re-hashing would launder the break). The old head per brand is kept in
 * `ledger_rehashes`, so a hash noted before the change can still be matched to its entry.
 */
export class LedgerEvidenceDigest1763900002200 implements MigrationInterface {
  name = 'LedgerEvidenceDigest1763900002200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger ADD COLUMN evidence_digest text,
                   ADD COLUMN expires_at timestamptz, ADD COLUMN evidence_purged_at timestamptz`);
    await q.query('ALTER TABLE ledger DROP CONSTRAINT ledger_action_check');
    await q.query(
      `ALTER TABLE ledger ADD CONSTRAINT ledger_action_check CHECK (action IN ('granted', 'withdrawn', 'expired', 'purged'))`,
    );
    await q.query(`
      CREATE TABLE ledger_rehashes (
        brand_id text NOT NULL,
        head_seq bigint NOT NULL,
        old_head_hash text NOT NULL,
        new_head_hash text NOT NULL,
        entries bigint NOT NULL,
        scheme text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (brand_id, scheme)
      )`);
    await q.query('ALTER TABLE ledger DISABLE TRIGGER ledger_no_update');
    const brands: { brand_id: string }[] = await q.query('SELECT DISTINCT brand_id FROM ledger');
    for (const { brand_id: brandId } of brands) await rehash(q, brandId);
    await q.query('ALTER TABLE ledger ENABLE TRIGGER ledger_no_update');
    await q.query('ALTER TABLE ledger ALTER COLUMN evidence_digest SET NOT NULL');

    // R20 stays: no UPDATE or DELETE — except minimising evidence once (R10), which changes nothing
    // the hash covers. Anything else, including a second minimisation, is refused.
    await q.query(`CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.evidence_purged_at IS NULL AND NEW.evidence_purged_at IS NOT NULL
           AND NEW.evidence = '{}'::jsonb
           AND (NEW.seq, NEW.brand_id, NEW.subject_ref, NEW.action, NEW.purposes, NEW.channels, NEW.notice_hash,
                NEW.door, NEW.source, NEW.at, NEW.prev_hash, NEW.hash, NEW.evidence_digest, NEW.expires_at)
               IS NOT DISTINCT FROM
               (OLD.seq, OLD.brand_id, OLD.subject_ref, OLD.action, OLD.purposes, OLD.channels, OLD.notice_hash,
                OLD.door, OLD.source, OLD.at, OLD.prev_hash, OLD.hash, OLD.evidence_digest, OLD.expires_at)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'ledger is append-only';
      END $$`);
    await q.query(`CREATE FUNCTION ledger_rehashes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ledger_rehashes is append-only'; END $$`);
    await q.query(`CREATE TRIGGER ledger_rehashes_no_update BEFORE UPDATE OR DELETE ON ledger_rehashes
      FOR EACH ROW EXECUTE FUNCTION ledger_rehashes_append_only()`);
  }

  async down(_q: QueryRunner): Promise<void> {
    // The old scheme cannot be restored once evidence was minimised; going down is not supported.
    throw new Error('LedgerEvidenceDigest1763900002200 cannot be reverted (ADR 0005)');
  }
}

async function rehash(q: QueryRunner, brandId: string): Promise<void> {
  let oldPrev: string | null = null;
  let newPrev: string | null = null;
  let lastSeq = 0;
  let count = 0;
  for (;;) {
    const rows: Record<string, any>[] = await q.query(
      'SELECT * FROM ledger WHERE brand_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [brandId, lastSeq, BATCH],
    );
    if (rows.length === 0) break;
    const update: { seq: string[]; digest: string[]; prev: (string | null)[]; hash: string[] } = {
      seq: [],
      digest: [],
      prev: [],
      hash: [],
    };
    for (const r of rows) {
      const at = new Date(r.at).toISOString();
      // Scheme 1, frozen here as it was hashed: the evidence itself inside the body.
      const oldHash = chainHash(
        oldPrev,
        canonicalJson({
          brandId: r.brand_id,
          subjectRef: r.subject_ref,
          action: r.action,
          purposes: r.purposes,
          channels: r.channels,
          noticeHash: r.notice_hash ?? null,
          door: r.door ?? null,
          source: r.source ?? null,
          evidence: r.evidence,
          at,
        }),
      );
      if (oldHash !== r.hash)
        throw new Error(
          `ledger of brand ${brandId} is broken at seq ${r.seq}: refusing to re-hash it (that would hide the break); investigate and restore first`,
        );
      const digest = createHash('sha256').update(canonicalJson(r.evidence), 'utf8').digest('hex');
      // Scheme 2 (ADR 0005), as services/consent/src/ledger/ledger-hash.ts computes it.
      const newHash = chainHash(
        newPrev,
        canonicalJson({
          brandId: r.brand_id,
          subjectRef: r.subject_ref,
          action: r.action,
          purposes: r.purposes,
          channels: r.channels,
          noticeHash: r.notice_hash ?? null,
          door: r.door ?? null,
          source: r.source ?? null,
          expiresAt: null,
          at,
          evidenceDigest: digest,
        }),
      );
      update.seq.push(r.seq);
      update.digest.push(digest);
      update.prev.push(newPrev);
      update.hash.push(newHash);
      oldPrev = r.hash;
      newPrev = newHash;
      lastSeq = Number(r.seq);
      count++;
    }
    // One statement per batch (STYLE 11), four array parameters whatever the batch size.
    await q.query(
      `UPDATE ledger l SET evidence_digest = v.digest, prev_hash = v.prev, hash = v.hash
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS v(seq, digest, prev, hash)
        WHERE l.seq = v.seq`,
      [update.seq, update.digest, update.prev, update.hash],
    );
  }
  if (count > 0)
    await q.query(
      `INSERT INTO ledger_rehashes (brand_id, head_seq, old_head_hash, new_head_hash, entries, scheme)
       VALUES ($1, $2, $3, $4, $5, 'evidence-digest')`,
      [brandId, lastSeq, oldPrev, newPrev, count],
    );
}
