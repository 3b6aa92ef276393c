import request from 'supertest';
import { CryptoErrorCode, generateKeyMaterial, loadContactKeys } from '@siyu/crypto';
import { adminQuery, bearer, createTestDatabase } from '@siyu/testing';
import { ResealContactPoints } from '../src/contact-keys/reseal-contact-points.use-case';
import { consentThroughQr, freshPhone, startConsentApp, type ConsentTestApp } from './consent-test-app';

const sms = { purposes: ['marketing_messages' as const], channels: ['sms' as const] };

describe('contact key rotation (ADR 0003): add a key first, re-seal, then drop the old key', () => {
  const legacy = generateKeyMaterial();
  const k1 = `k1:${generateKeyMaterial()}`;
  const k2 = `k2:${generateKeyMaterial()}`;
  let adminUrl: string;
  let t: ConsentTestApp | undefined;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('consent');
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  // Each phase is a restart with other keys on the same database, as a deployment does.
  const restart = async (keys: { CONTACT_KEYS?: string; CONTACT_KEY?: string }) => {
    t = await startConsentApp({
      adminUrl,
      env: { CONTACT_KEYS: keys.CONTACT_KEYS ?? '', CONTACT_KEY: keys.CONTACT_KEY ?? '' },
    });
    return t;
  };
  const sealedOf = async (subjectRef: string) => {
    const [row] = await adminQuery<{ sealed_phone: string }>(
      adminUrl,
      'SELECT sealed_phone FROM consent.subjects WHERE subject_ref = $1',
      [subjectRef],
    );
    return row.sealed_phone;
  };
  const reseal = async (app: ConsentTestApp) =>
    (
      await request(app.http)
        .post('/api/v1/consent/contact-keys/reseal')
        .set('Authorization', await bearer(app.authKeys, 'admin'))
        .expect(200)
    ).body;

  it('keeps every contact point opening through each step, and refuses a value under a removed kid by its kid', async () => {
    // 1. A deployment from before CONTACT_KEYS: the legacy key seals s1 values.
    let app = await restart({ CONTACT_KEY: legacy });
    const phoneA = freshPhone();
    const a = await consentThroughQr(app, phoneA, sms);
    expect(await sealedOf(a)).toMatch(/^s1\./);
    await app.close();

    // 2. CONTACT_KEYS added, the legacy key kept: new values carry k1, the old one still opens.
    app = await restart({ CONTACT_KEYS: k1, CONTACT_KEY: legacy });
    const phoneB = freshPhone();
    const b = await consentThroughQr(app, phoneB, sms);
    expect(await sealedOf(b)).toMatch(/^c1\.k1\./);
    expect(loadContactKeys({ CONTACT_KEYS: k1, CONTACT_KEY: legacy }).open(await sealedOf(a), a)).toBe(
      phoneA,
    );
    expect(await reseal(app)).toEqual({ currentKid: 'k1', resealed: 1, unopenable: {} });
    expect(await sealedOf(a)).toMatch(/^c1\.k1\./);
    // Idempotent: nothing left under another key, nothing read again.
    expect(await reseal(app)).toEqual({ currentKid: 'k1', resealed: 0, unopenable: {} });
    await app.close();

    // 3. The legacy key is gone and k2 goes first; k1 stays until everything moved.
    app = await restart({ CONTACT_KEYS: `${k2},${k1}` });
    const phoneC = freshPhone();
    const c = await consentThroughQr(app, phoneC, sms);
    expect(await sealedOf(c)).toMatch(/^c1\.k2\./);
    // Batches of one, so the run walks several transactions.
    expect(await app.app.get(ResealContactPoints).execute('test:rotation', { batchSize: 1 })).toEqual({
      currentKid: 'k2',
      resealed: 2,
      unopenable: {},
    });
    // Every batch that opened stored values is audited with who and why (R16), never a value.
    const audit = await adminQuery<{ actor: string; purpose: string; subject: string; row: string }>(
      app.adminUrl,
      `SELECT actor, purpose, subject, t::text AS row FROM consent.audit_log t
        WHERE action = 'reseal-contact-points' AND actor = 'test:rotation'`,
    );
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit[0]).toMatchObject({ purpose: 'security', subject: 'contact-key:k2' });
    for (const phone of [phoneA, phoneB, phoneC])
      expect(audit.map((r) => r.row).join('\n')).not.toContain(phone);
    await app.close();

    // 4. k1 removed: every stored contact point opens with k2 alone.
    app = await restart({ CONTACT_KEYS: k2 });
    const ring = loadContactKeys({ CONTACT_KEYS: k2 });
    for (const [subjectRef, phone] of [
      [a, phoneA],
      [b, phoneB],
      [c, phoneC],
    ]) {
      const sealed = await sealedOf(subjectRef);
      expect(sealed).toMatch(/^c1\.k2\./);
      expect(ring.open(sealed, subjectRef)).toBe(phone);
    }

    // A value still under the removed k1 (say, restored from a backup) fails by its kid.
    const stale = loadContactKeys({ CONTACT_KEYS: k1 }).seal(phoneA, a);
    await adminQuery(adminUrl, 'UPDATE consent.subjects SET sealed_phone = $2 WHERE subject_ref = $1', [
      a,
      stale,
    ]);
    expect(() => ring.open(stale, a)).toThrow(
      expect.objectContaining({
        code: CryptoErrorCode.UNKNOWN_KEY,
        message: expect.stringContaining('"k1", which is not in CONTACT_KEYS (have: k2)'),
      }),
    );
    const report = await reseal(app);
    expect(report).toEqual({ currentKid: 'k2', resealed: 0, unopenable: { k1: 1 } });
    expect(JSON.stringify(report)).not.toContain(phoneA);
    expect(await sealedOf(a)).toBe(stale);
  });

  it('lets only an admin or the privacy officer run the re-seal', async () => {
    const app = await restart({ CONTACT_KEYS: k1 });
    for (const role of ['marketer', 'ops'] as const) {
      await request(app.http)
        .post('/api/v1/consent/contact-keys/reseal')
        .set('Authorization', await bearer(app.authKeys, role))
        .expect(403);
    }
    await request(app.http)
      .post('/api/v1/consent/contact-keys/reseal')
      .set('Authorization', await bearer(app.authKeys, 'privacy_officer'))
      .expect(200);
  });
});
