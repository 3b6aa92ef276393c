#!/usr/bin/env node
// Prints a fresh `.env` for docker-compose.yml (run after `npm run build`):
//   node scripts/generate-env.js > .env && chmod 600 .env
// Every key is random and new; nothing here is a usable default. See docs/runbook.md.
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');
const dist = join(__dirname, '..', 'dist', 'libs');
const { generateSecretsEnv } = require(join(dist, 'crypto', 'src'));
const { generateAuthKeyPem } = require(join(dist, 'auth', 'src'));

const { publicKeyPem, privateKeyPem } = generateAuthKeyPem();
const oneLine = (pem) => pem.trim().replace(/\n/g, '\\n');
const values = {
  POSTGRES_PASSWORD: randomBytes(24).toString('base64url'),
  BRAND_ID: process.env.BRAND_ID ?? 'demo',
  PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3002',
  AUTH_PUBLIC_KEY: oneLine(publicKeyPem),
  AUTH_PRIVATE_KEY: oneLine(privateKeyPem),
  ...generateSecretsEnv(),
};
process.stdout.write(
  `# generated ${new Date().toISOString()} by scripts/generate-env.js; keep out of git (mode 0600)\n` +
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') +
    '\n',
);
