import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAuthKeyPem } from '@siyu/auth';
import { generateSecretsEnv } from '@siyu/crypto';
import { generateApiKey } from '../../identity/src/api-keys/api-key-secret';

/**
 * Secrets only the one-process start generates: the auditor API key that identity registers on first
 * start and privacy trades for tokens, so scheduled audit-chain verification (R20) is on by default.
 */
function generateStandaloneSecrets(): Record<string, string> {
  return { ...generateSecretsEnv(), PRIVACY_AUDITOR_API_KEY: generateApiKey() };
}

/**
 * The auditor key identity should register: the generated one, unless the environment configures
 * its own (an admin-created key), which then is the only one used.
 */
export function auditorKeyToProvision(
  secrets: Record<string, string>,
  processEnv: Record<string, string | undefined>,
): string | undefined {
  return processEnv.PRIVACY_AUDITOR_API_KEY?.trim() ? undefined : secrets.PRIVACY_AUDITOR_API_KEY;
}

/**
 * `npm start` keeps its keys beside its database in the data directory, generated on first start
 * and reused after (never a fixed default). Values from the environment win. A key added by a later
 * version (e.g. LEDGER_ANCHOR_SIGNING_KEYS) is generated into an existing file; present ones are kept.
 * A file from before CONTACT_KEYS keeps its CONTACT_KEY: it stays the legacy key that opens the
 * contact points sealed under it, while the generated CONTACT_KEYS seals new ones (ADR 0003).
 */
export function loadOrCreateLocalSecrets(dataDir: string): Record<string, string> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  if (!existsSync(file)) {
    const { publicKeyPem, privateKeyPem } = generateAuthKeyPem();
    writeFileSync(
      file,
      JSON.stringify(
        { ...generateStandaloneSecrets(), AUTH_PUBLIC_KEY: publicKeyPem, AUTH_PRIVATE_KEY: privateKeyPem },
        null,
        2,
      ),
      { mode: 0o600 },
    );
  }
  chmodSync(file, 0o600);
  const stored: Record<string, string> = JSON.parse(readFileSync(file, 'utf8'));
  const fresh: Record<string, string> = generateStandaloneSecrets();
  const missing = Object.keys(fresh).filter((name) => !stored[name]);
  if (missing.length === 0) return stored;
  const completed = { ...stored, ...Object.fromEntries(missing.map((name) => [name, fresh[name]])) };
  writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
  return completed;
}

/** Lets the orders CLI reach the embedded database of a running `npm start`. */
export function recordDatabaseUrl(dataDir: string, adminUrl: string): void {
  writeFileSync(join(dataDir, 'postgres-url'), adminUrl, { mode: 0o600 });
}
