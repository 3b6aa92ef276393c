import { createPublicKey, verify } from 'node:crypto';
import request from 'supertest';
import { generateKeyMaterial, loadSigningKeys } from '@siyu/crypto';
import { adminQuery, bearer } from '@siyu/testing';
import { signAnchor } from '../src/ledger-anchors/anchor-receipt';
import { consentThroughQr, freshPhone, startConsentApp, type ConsentTestApp } from './consent-test-app';

describe('signed ledger head anchors (R20): removal of the newest entries is detected', () => {
  let t: ConsentTestApp;
  let officer: string;

  beforeAll(async () => {
    t = await startConsentApp();
    officer = await bearer(t.authKeys, 'privacy_officer');
  });
  afterAll(async () => t?.close());

  const api = {
    anchorNow: () => request(t.http).post('/api/v1/consent/ledger/anchors').set('Authorization', officer),
    latest: () => request(t.http).get('/api/v1/consent/ledger/anchors/latest').set('Authorization', officer),
    verify: () => request(t.http).get('/api/v1/consent/ledger/verify').set('Authorization', officer),
    verifyWith: (receipts: unknown[]) =>
      request(t.http).post('/api/v1/consent/ledger/verify').set('Authorization', officer).send({ receipts }),
  };

  async function headReceipt() {
    await consentThroughQr(t, freshPhone());
    await api.anchorNow().expect(201);
    return (await api.latest().expect(200)).body;
  }

  /** Removes the newest `n` entries as a superuser would (trigger off), and returns a way to put them back. */
  async function truncateNewest(n: number, alsoAnchors = false): Promise<() => Promise<void>> {
    const removed = await adminQuery(t.adminUrl, `SELECT * FROM consent.ledger ORDER BY seq DESC LIMIT ${n}`);
    const anchors = alsoAnchors ? await adminQuery(t.adminUrl, 'SELECT * FROM consent.ledger_anchors') : [];
    await tamper(
      `DELETE FROM consent.ledger WHERE seq IN (${removed.map((r) => r.seq).join(',')})` +
        (alsoAnchors ? '; DELETE FROM consent.ledger_anchors' : ''),
    );
    return () =>
      tamper(
        [
          ...removed.map(
            (r) =>
              `INSERT INTO consent.ledger SELECT * FROM json_populate_record(null::consent.ledger, ${lit(r)})`,
          ),
          ...anchors.map(
            (a) =>
              `INSERT INTO consent.ledger_anchors SELECT * FROM json_populate_record(null::consent.ledger_anchors, ${lit(a)})`,
          ),
        ].join('; '),
      );
  }

  it('hands out a receipt of the head that verifies with the public key alone, and anchors a head once', async () => {
    await consentThroughQr(t, freshPhone());
    const first = await api.anchorNow().expect(201);
    expect(first.body.recorded).toBe(true);
    const [head] = await adminQuery<{ seq: string; hash: string }>(
      t.adminUrl,
      'SELECT seq, hash FROM consent.ledger ORDER BY seq DESC LIMIT 1',
    );
    const latest = await api.latest().expect(200);
    expect(latest.body.receipt).toMatchObject({
      type: 'siyu.ledger-anchor.v1',
      brandId: 'demo',
      seq: Number(head.seq),
      hash: head.hash,
    });
    const { receipt, signedPayload, publicKeyPem } = latest.body;
    expect(JSON.parse(signedPayload)).toEqual({ ...receipt, signature: undefined });
    expect(
      verify(
        null,
        Buffer.from(signedPayload),
        createPublicKey(publicKeyPem),
        Buffer.from(receipt.signature, 'base64url'),
      ),
    ).toBe(true);

    const again = await api.anchorNow().expect(201);
    expect(again.body).toMatchObject({ recorded: false, receipt });
    expect(
      await adminQuery(t.adminUrl, 'SELECT 1 FROM consent.ledger_anchors WHERE head_seq = $1', [head.seq]),
    ).toHaveLength(1);
  });

  it('verifies an intact chain against the stored anchors and a receipt the officer kept', async () => {
    const { receipt } = await headReceipt();
    await consentThroughQr(t, freshPhone());
    const verdict = await api.verifyWith([receipt]).expect(200);
    expect(verdict.body).toMatchObject({ intact: true, problems: [], receiptsChecked: 1 });
    expect(verdict.body.anchorsChecked).toBeGreaterThanOrEqual(1);
  });

  it('names the missing newest entries from the stored anchor when a superuser truncates the ledger', async () => {
    const { receipt } = await headReceipt();
    const restore = await truncateNewest(2);
    const [left] = await adminQuery<{ seq: string }>(
      t.adminUrl,
      'SELECT seq FROM consent.ledger ORDER BY seq DESC LIMIT 1',
    );

    const verdict = await api.verify().expect(200);
    expect(verdict.body).toMatchObject({ intact: false, truncatedAfterSeq: Number(left.seq) });
    expect(verdict.body.brokenSeq).toBeUndefined();
    expect(verdict.body.problems).toEqual([
      `entries after seq ${left.seq} are missing: anchor of ${receipt.at} says the head was seq ${receipt.seq} with hash ${receipt.hash}`,
    ]);

    await restore();
    expect((await api.verify().expect(200)).body.intact).toBe(true);
  });

  it('still detects it from the officer receipt when the stored anchors were deleted too', async () => {
    const { receipt } = await headReceipt();
    const restore = await truncateNewest(1, true);
    // Without the receipt the shortened chain looks whole: that is why the receipt lives outside Siyu.
    expect((await api.verify().expect(200)).body).toMatchObject({ intact: true, anchorsChecked: 0 });

    const verdict = await api.verifyWith([receipt]).expect(200);
    expect(verdict.body.intact).toBe(false);
    expect(verdict.body.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^entries after seq \\d+ are missing: receipt of ${receipt.at} says the head was seq ${receipt.seq} with hash ${receipt.hash}$`,
        ),
      ),
    ]);
    await restore();
    expect((await api.verifyWith([receipt]).expect(200)).body.intact).toBe(true);
  });

  it('refuses a receipt whose content was altered or that another key signed, with a clear error', async () => {
    const { receipt } = await headReceipt();
    const altered = await api.verifyWith([{ ...receipt, seq: receipt.seq + 5 }]).expect(422);
    expect(altered.body).toMatchObject({ code: 'LEDGER_RECEIPT_FORGED' });
    expect(altered.body.message).toContain('does not carry a valid signature');

    const stranger = loadSigningKeys({ X_SIGNING_KEYS: `${receipt.kid}:${generateKeyMaterial()}` }, 'X');
    const { type: _type, ...content } = receipt;
    const forged = {
      type: receipt.type,
      ...signAnchor(stranger, {
        brandId: content.brandId,
        seq: content.seq,
        hash: content.hash,
        at: content.at,
      }),
    };
    expect((await api.verifyWith([receipt, forged]).expect(422)).body).toMatchObject({
      code: 'LEDGER_RECEIPT_FORGED',
      details: { receipt: 2 },
    });
    await api.verifyWith([{ ...receipt, hash: 'not-a-hash' }]).expect(400);
  });

  it('keeps anchors append-only and open to privacy officers and admins only', async () => {
    await headReceipt();
    await expect(adminQuery(t.adminUrl, 'DELETE FROM consent.ledger_anchors')).rejects.toThrow(/append-only/);
    await request(t.http)
      .get('/api/v1/consent/ledger/anchors/latest')
      .set('Authorization', await bearer(t.authKeys, 'marketer'))
      .expect(403);
    await request(t.http).post('/api/v1/consent/ledger/anchors').expect(401);
  });

  async function tamper(sql: string) {
    await adminQuery(
      t.adminUrl,
      `BEGIN; ALTER TABLE consent.ledger DISABLE TRIGGER ledger_no_update;
       ALTER TABLE consent.ledger_anchors DISABLE TRIGGER ledger_anchors_no_update; ${sql};
       ALTER TABLE consent.ledger ENABLE TRIGGER ledger_no_update;
       ALTER TABLE consent.ledger_anchors ENABLE TRIGGER ledger_anchors_no_update; COMMIT;`,
    );
  }
});

function lit(row: Record<string, unknown>): string {
  return `'${JSON.stringify(row).replace(/'/g, "''")}'`;
}
