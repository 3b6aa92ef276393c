/**
 * What a data-key wrap costs (issue 15, step 2): process CPU per key of `KeyEncryptionKey.wrap` and
 * `unwrap` (the v1 format, `libs/crypto/src/envelope.ts`), against a bare AES-256-GCM per 32-byte
 * key and one AES-256-GCM over all the keys at once (the most a batched wrap could save). Not a
 * test: it prints figures.
 *
 *   npm run build:server && node dist/bench/import/key-wrap.bench.js [keys=20000] [rounds=3]
 */
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { generateDataKey, KeyEncryptionKey } from '../../libs/crypto/src';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = Number(process.argv[3] ?? 3);

/** CPU µs (user + system) per key spent in `work`. */
function cpuPerKey(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return +((used.user + used.system) / N).toFixed(2);
}

function main(): void {
  const kek = new KeyEncryptionKey('bench', randomBytes(32));
  const keys = Array.from({ length: N }, () => generateDataKey());
  const bare = createSecretKey(randomBytes(32));
  for (let round = 1; round <= ROUNDS; round++) {
    let wrapped: string[] = [];
    const wrap = cpuPerKey(() => {
      wrapped = keys.map((k) => kek.wrap(k));
    });
    const unwrap = cpuPerKey(() => wrapped.forEach((w) => kek.unwrap(w)));
    const gcmPerKey = cpuPerKey(() =>
      keys.forEach((k) => {
        const cipher = createCipheriv('aes-256-gcm', bare, randomBytes(12));
        cipher.update(k);
        cipher.final();
        cipher.getAuthTag();
      }),
    );
    const oneGcmForAll = cpuPerKey(() => {
      const cipher = createCipheriv('aes-256-gcm', bare, randomBytes(12));
      cipher.update(Buffer.concat(keys));
      cipher.final();
      cipher.getAuthTag();
    });
    console.log(
      JSON.stringify({ round, keys: N, cpuMicrosPerKey: { wrap, unwrap, gcmPerKey, oneGcmForAll } }),
    );
  }
}

main();
