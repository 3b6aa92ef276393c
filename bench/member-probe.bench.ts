/**
 * "No way to learn whether a phone number is a member" (issue 5 §7), measured. Against the real
 * consent app (embedded PostgreSQL, in-process transport, real HTTP on 127.0.0.1), alternates
 * requests for a consented member and for a stranger on every public endpoint that takes a phone
 * or a subject, and prints per endpoint: median and p90 latency per group, the difference of
 * medians, a Mann–Whitney U p-value and a permutation p-value for the median difference, and
 * whether status codes and response bodies were identical between the groups. Not a test: it
 * asserts nothing, and prints no phone numbers.
 *
 *   npm run bench:member-probe [-- <samples per group, default 300>]
 */
import 'reflect-metadata';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { authKeysFromPem, generateAuthKeyPem } from '../libs/auth/src';
import { installHttpEdge } from '../libs/http/src';
import { generateSecretsEnv, loadTokenSigner } from '../libs/crypto/src';
import { InProcessTransport } from '../libs/messaging/src';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '../libs/persistence/src';
import { ConsentModule } from '../services/consent/src/consent.module';
import { issueFormNonce } from '../services/consent/src/customer-pages/form-nonce';

const SAMPLES = Number(process.argv[2] ?? 300);
const WARMUP = 20;
const PERMUTATIONS = 2000;

interface Sample {
  ms: number;
  status: number;
  /** The body with what differs per request by construction (phone typed in, card token, form nonce) masked. */
  body: string;
}

interface Endpoint {
  name: string;
  member: (i: number) => Promise<Sample>;
  stranger: (i: number) => Promise<Sample>;
  /** Why a difference here is by design, printed with the figures. */
  note?: string;
}

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'siyu-bench-pg-')),
    persistent: false,
  });
  const adminUrl = await createDatabaseIfMissing(pg.adminUrl, `probe_${Date.now()}`);
  const secrets: Record<string, string> = {
    ...generateSecretsEnv(),
    PUBLIC_PAGE_RATE_LIMIT_PER_MINUTE: '100000000',
    ALIYUN_SMS_REPLY_TOKEN: randomUUID(),
    TENCENT_SMS_REPLY_TOKEN: randomUUID(),
  };
  const brand = { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' };
  const app: INestApplication = await NestFactory.create(
    ConsentModule.register({
      adminDatabaseUrl: adminUrl,
      transport: new InProcessTransport(3),
      env: secrets,
      brand,
      publicBaseUrl: 'http://127.0.0.1',
    }),
    { rawBody: true, logger: ['error'] },
  );
  installHttpEdge(app, authKeysFromPem(generateAuthKeyPem().publicKeyPem));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const db = new Client({ connectionString: adminUrl });
  await db.connect();

  const invitations = loadTokenSigner(secrets, 'INVITE');
  const unsubscribe = loadTokenSigner(secrets, 'UNSUBSCRIBE');
  const invite = () =>
    invitations.sign({ o: randomUUID(), b: brand.id }, { purpose: 'qr-invite', expiresInSeconds: 3600 });

  const used = new Set<string>();
  const phone = () => {
    for (;;) {
      const p = `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };

  const timed = async (path: string, init: RequestInit, mask: string[] = []): Promise<Sample> => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    let body = text.replace(/name="nonce" value="[^"]+"/g, 'name="nonce" value="<nonce>"');
    for (const m of mask) body = body.replaceAll(m, '<masked>');
    return { ms, status: res.status, body };
  };
  const form = (fields: Record<string, string | string[]>) => {
    const f = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
    return {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: f.toString(),
    };
  };
  const json = (body: unknown) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  /** A consented member, made through the real QR door (code step, agree step). */
  const joinMember = async (): Promise<{ phone: string; subjectRef: string }> => {
    const p = phone();
    const orderRef = randomUUID();
    const token = invitations.sign(
      { o: orderRef, b: brand.id },
      { purpose: 'qr-invite', expiresInSeconds: 3600 },
    );
    const agreePage = await (
      await fetch(
        `${base}/q/${token}/code`,
        form({ phone: p, nonce: issueFormNonce(invitations, 'qr-code', token) }),
      )
    ).text();
    const [{ body }] = (await db.query('SELECT body FROM consent.sandbox_sms ORDER BY id DESC LIMIT 1')).rows;
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(agreePage)![1];
    const done = await fetch(
      `${base}/q/${token}/agree`,
      form({
        phone: p,
        code: /验证码(\d{6})/.exec(body)![1],
        nonce: field('nonce'),
        lang: field('lang'),
        notice: field('notice'),
        purposes: ['marketing_messages', 'purchase_history'],
        channels: ['sms', 'wechat'],
        agree: 'yes',
      }),
    );
    if (done.status !== 200) throw new Error(`join failed with ${done.status}`);
    const [{ subject_ref }] = (
      await db.query(`SELECT subject_ref FROM consent.ledger WHERE evidence->>'orderRef' = $1`, [orderRef])
    ).rows;
    return { phone: p, subjectRef: subject_ref };
  };

  const t0 = Date.now();
  // Pool A is only read (code step, wrong-code agree, non-keyword replies, then unsubscribe); pools B
  // and C each lose their SMS consent to one opt-out reply per member.
  const pool = async () => {
    const members = [];
    for (let i = 0; i < SAMPLES; i++) members.push(await joinMember());
    return members;
  };
  const [a, b, c] = [await pool(), await pool(), await pool()];
  console.log(
    `members joined through the QR door: ${3 * SAMPLES} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  const strangers = Array.from({ length: SAMPLES + WARMUP }, phone);
  const notice = (await db.query(`SELECT content_hash FROM consent.notices WHERE locale = 'zh-CN'`)).rows[0]
    .content_hash as string;

  const codeStep = async (p: string) => {
    const token = invite();
    return timed(
      `/q/${token}/code`,
      form({ phone: p, nonce: issueFormNonce(invitations, 'qr-code', token) }),
      [p, token],
    );
  };
  const wrongCode = async (p: string) => {
    const token = invite();
    return timed(
      `/q/${token}/agree`,
      form({
        phone: p,
        code: '000000',
        nonce: issueFormNonce(invitations, 'qr-agree', token, `zh-CN:${notice}`),
        lang: 'zh-CN',
        notice,
        purposes: 'marketing_messages',
        channels: 'sms',
        agree: 'yes',
      }),
      [p, token],
    );
  };
  const aliyun = (p: string, text: string) =>
    timed(
      `/webhooks/sms/aliyun?token=${secrets.ALIYUN_SMS_REPLY_TOKEN}`,
      json([
        {
          phone_number: p,
          send_time: '2026-11-24 10:00:00',
          content: text,
          sign_name: `【${brand.signature}】`,
          dest_code: '1234',
          sequence_id: randomInt(0, 2 ** 31),
        },
      ]),
    );
  const tencent = (p: string, text: string) =>
    timed(
      `/webhooks/sms/tencent?token=${secrets.TENCENT_SMS_REPLY_TOKEN}`,
      json({ extend: '', mobile: p, nationcode: '86', sign: brand.signature, text, time: 1763978400 }),
    );
  const unsubscribeLink = (subjectRef: string) => {
    const token = unsubscribe.sign(
      { s: subjectRef, b: brand.id, c: 'sms', u: 'marketing_messages' },
      { purpose: 'unsubscribe', expiresInSeconds: 3600 },
    );
    return timed(`/u/${token}`, form({ nonce: issueFormNonce(unsubscribe, 'unsubscribe', token) }));
  };

  const endpoints: Endpoint[] = [
    {
      name: 'POST /q/:token/code (one-time code)',
      member: (i) => codeStep(a[i].phone),
      stranger: (i) => codeStep(strangers[i]),
    },
    {
      name: 'POST /q/:token/agree (wrong code)',
      member: (i) => wrongCode(a[i].phone),
      stranger: (i) => wrongCode(strangers[i]),
    },
    {
      name: 'Aliyun reply, other text',
      member: (i) => aliyun(a[i].phone, '好的'),
      stranger: (i) => aliyun(strangers[i], '好的'),
    },
    {
      name: 'Tencent reply, other text',
      member: (i) => tencent(a[i].phone, '好的'),
      stranger: (i) => tencent(strangers[i], '好的'),
    },
    {
      name: 'Aliyun reply "TD" (withdraws a member)',
      member: (i) => aliyun(b[i].phone, 'TD'),
      stranger: (i) => aliyun(strangers[i], 'TD'),
      note: 'a member’s opt-out writes a ledger entry and an event; the caller holds the vendor’s URL token',
    },
    {
      name: 'Tencent reply "退订" (withdraws a member)',
      member: (i) => tencent(c[i].phone, '退订'),
      stranger: (i) => tencent(strangers[i], '退订'),
      note: 'as above',
    },
    {
      name: 'POST /u/:token (member vs never-consented subject)',
      member: (i) => unsubscribeLink(a[i].subjectRef),
      stranger: () => unsubscribeLink(randomUUID()),
      note: 'links are signed per recipient by outreach; only the holder of a real link sees either page',
    },
  ];

  const rows: string[] = [];
  for (const e of endpoints) {
    // Warm-up on strangers only, so no member is used twice.
    for (let i = 0; i < WARMUP; i++) await e.stranger(SAMPLES + i);
    const member: Sample[] = [];
    const stranger: Sample[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Alternate who goes first, so drift (autovacuum, the other engineers' runs) hits both alike.
      if (i % 2 === 0) {
        member.push(await e.member(i));
        stranger.push(await e.stranger(i));
      } else {
        stranger.push(await e.stranger(i));
        member.push(await e.member(i));
      }
    }
    const m = member.map((s) => s.ms);
    const s = stranger.map((x) => x.ms);
    const sameStatus = setsEqual(
      member.map((x) => String(x.status)),
      stranger.map((x) => String(x.status)),
    );
    const sameBody = setsEqual(
      member.map((x) => x.body),
      stranger.map((x) => x.body),
    );
    const statuses = [...new Set([...member, ...stranger].map((x) => x.status))].join('/');
    rows.push(
      `| ${e.name} | ${median(m).toFixed(2)} / ${pct(m, 90).toFixed(2)} | ${median(s).toFixed(2)} / ${pct(s, 90).toFixed(2)} | ${(median(m) - median(s)).toFixed(2)} | ${fmtP(mannWhitneyP(m, s))} | ${fmtP(permutationP(m, s))} | ${statuses} ${sameStatus ? 'same' : 'DIFFERENT'} | ${sameBody ? 'identical' : 'DIFFERENT'} |`,
    );
    console.log(rows.at(-1) + (e.note && !sameBody ? ` (${e.note})` : ''));
  }

  console.log(
    `\nsamples per group: ${SAMPLES} (interleaved, alternating order; ${WARMUP} warm-up pairs discarded)`,
  );
  console.log(
    '| endpoint | member median / p90 ms | stranger median / p90 ms | Δ median ms | Mann–Whitney p | permutation p | status | body |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);

  await db.end();
  await app.close();
  await pg.stop();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function setsEqual(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** Two-sided Mann–Whitney U, normal approximation with tie correction (fine for n = 300). */
function mannWhitneyP(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1].v === all[i].v) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = r;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const r1 = all.reduce((sum, x, i) => (x.g === 0 ? sum + ranks[i] : sum), 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (Math.abs(u - (n1 * n2) / 2) - 0.5) / sigma;
  return Math.min(1, 2 * (1 - normalCdf(z)));
}

/** Share of random relabellings whose |Δ median| is at least the observed one (seeded, reproducible). */
function permutationP(a: number[], b: number[]): number {
  const observed = Math.abs(median(a) - median(b));
  const all = [...a, ...b];
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let atLeast = 0;
  for (let r = 0; r < PERMUTATIONS; r++) {
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
    if (Math.abs(median(all.slice(0, a.length)) - median(all.slice(a.length))) >= observed) atLeast++;
  }
  return (atLeast + 1) / (PERMUTATIONS + 1);
}

function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 for erf.
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return 0.5 * (1 + (x >= 0 ? y : -y));
}

function fmtP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
