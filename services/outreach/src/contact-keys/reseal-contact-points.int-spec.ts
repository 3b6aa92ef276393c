import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { readAudit } from '@siyu/audit';
import { CryptoErrorCode, generateKeyMaterial, generateSecretsEnv, loadContactKeys } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, createTestDatabase } from '@siyu/testing';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB } from '../outreach.options';
import { OutreachModule } from '../outreach.module';
import { ResealContactPoints } from './reseal-contact-points.use-case';

describe('outreach re-seals stored contact points after a contact key rotation (ADR 0003)', () => {
  const legacy = generateKeyMaterial();
  const k1 = `k1:${generateKeyMaterial()}`;
  const k2 = `k2:${generateKeyMaterial()}`;
  let adminUrl: string;

  beforeAll(async () => {
    adminUrl = await createTestDatabase('outreach');
  });

  // A restart of outreach with other keys, on the same database.
  async function withOutreach<T>(
    keys: { CONTACT_KEYS?: string; CONTACT_KEY?: string },
    body: (reseal: ResealContactPoints, ds: DataSource) => Promise<T>,
  ): Promise<T> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        OutreachModule.register({
          adminDatabaseUrl: adminUrl,
          transport: new InProcessTransport(3),
          env: {
            ...generateSecretsEnv(),
            CONTACT_KEYS: keys.CONTACT_KEYS ?? '',
            CONTACT_KEY: keys.CONTACT_KEY ?? '',
          },
          brand: { id: 'demo', signature: '示例品牌' },
          publicBaseUrl: 'http://127.0.0.1:3002',
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    await app.init();
    try {
      return await body(app.get(ResealContactPoints), app.get<DataSource>(OUTREACH_DB));
    } finally {
      await app.close();
    }
  }

  // As the consent.granted.v1 consumer stores them.
  const store = (subjectRef: string, channel: string, sealed: string) =>
    adminQuery(
      adminUrl,
      'INSERT INTO outreach.contact_points (subject_ref, channel, sealed, ledger_seq) VALUES ($1, $2, $3, 1)',
      [subjectRef, channel, sealed],
    );
  const sealedOf = async (subjectRef: string, channel: string) =>
    (
      await adminQuery<{ sealed: string }>(
        adminUrl,
        'SELECT sealed FROM outreach.contact_points WHERE subject_ref = $1 AND channel = $2',
        [subjectRef, channel],
      )
    )[0].sealed;

  it('moves legacy and old-kid values to the current kid in audited batches, and reports what no key opens', async () => {
    const points = [
      { subjectRef: randomUUID(), channel: 'sms', phone: '13900000001', keys: { CONTACT_KEY: legacy } },
      { subjectRef: randomUUID(), channel: 'sms', phone: '13900000002', keys: { CONTACT_KEYS: k1 } },
      {
        subjectRef: randomUUID(),
        channel: 'wechat',
        phone: 'oOpenid-example-0003',
        keys: { CONTACT_KEYS: k1 },
      },
    ];
    // Outreach as it ran before the rotation (it creates its tables), storing what consent sent.
    await withOutreach({ CONTACT_KEYS: k1, CONTACT_KEY: legacy }, async () => undefined);
    for (const p of points)
      await store(p.subjectRef, p.channel, loadContactKeys(p.keys).seal(p.phone, p.subjectRef));
    const lost = randomUUID();
    await store(
      lost,
      'sms',
      loadContactKeys({ CONTACT_KEYS: `k0:${generateKeyMaterial()}` }).seal('13900000009', lost),
    );

    // k2 first, k1 and the legacy key still there: everything opens, so everything moves.
    const report = await withOutreach(
      { CONTACT_KEYS: `${k2},${k1}`, CONTACT_KEY: legacy },
      async (reseal, ds) => {
        const first = await reseal.execute('cli:test', { batchSize: 2 });
        const audit = await readAudit(ds.manager, 'contact-key:k2');
        expect(audit.map((e) => [e.actor, e.action, e.fields])).toEqual([
          ['cli:test', 'reseal-contact-points', ['contact_point']],
          ['cli:test', 'reseal-contact-points', ['contact_point']],
        ]);
        expect(await reseal.execute('cli:test')).toEqual({
          currentKid: 'k2',
          resealed: 0,
          unopenable: { k0: 1 },
        });
        return first;
      },
    );
    expect(report).toEqual({ currentKid: 'k2', resealed: 3, unopenable: { k0: 1 } });
    expect(JSON.stringify(report)).not.toMatch(/139000000|oOpenid/);

    // The old keys removed: what was stored opens under k2 alone; the k0 value fails by its kid.
    const ring = loadContactKeys({ CONTACT_KEYS: k2 });
    for (const p of points) {
      const sealed = await sealedOf(p.subjectRef, p.channel);
      expect(sealed).toMatch(/^c1\.k2\./);
      expect(ring.open(sealed, p.subjectRef)).toBe(p.phone);
    }
    const stale = await sealedOf(lost, 'sms');
    expect(() => ring.open(stale, lost)).toThrow(
      expect.objectContaining({
        code: CryptoErrorCode.UNKNOWN_KEY,
        message: expect.stringContaining('"k0"'),
      }),
    );
  });
});
