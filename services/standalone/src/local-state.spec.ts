import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyMaterial, generateSecretsEnv, loadContactKeys } from '@siyu/crypto';
import { loadOrCreateLocalSecrets } from './local-state';

describe('loadOrCreateLocalSecrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'siyu-local-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates CONTACT_KEYS on a first start, and no legacy CONTACT_KEY', () => {
    const secrets = loadOrCreateLocalSecrets(dir);
    expect(secrets.CONTACT_KEYS).toMatch(/^k\d{8}:[A-Za-z0-9+/]{43}=$/);
    expect(secrets.CONTACT_KEY).toBeUndefined();
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('keeps the CONTACT_KEY of a file written before CONTACT_KEYS, so what it sealed still opens', () => {
    const { CONTACT_KEYS: _dropped, ...older } = generateSecretsEnv();
    const legacy = generateKeyMaterial();
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ ...older, CONTACT_KEY: legacy }));
    const sealedBefore = loadContactKeys({ CONTACT_KEY: legacy }).seal('13912345678', 'subject-1');

    const secrets = loadOrCreateLocalSecrets(dir);
    expect(secrets.CONTACT_KEY).toBe(legacy);
    expect(secrets.CONTACT_KEYS).toMatch(/^k\d{8}:/);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual(secrets);

    const ring = loadContactKeys(secrets);
    expect(ring.open(sealedBefore, 'subject-1')).toBe('13912345678');
    expect(ring.seal('13912345678', 'subject-1')).toMatch(/^c1\.k\d{8}\./);
    // A second start changes nothing.
    expect(loadOrCreateLocalSecrets(dir)).toEqual(secrets);
  });

  it('generates an auditor API key on a first start and adds one to a file written before it, then keeps it', () => {
    const first = loadOrCreateLocalSecrets(dir);
    expect(first.PRIVACY_AUDITOR_API_KEY).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(loadOrCreateLocalSecrets(dir).PRIVACY_AUDITOR_API_KEY).toBe(first.PRIVACY_AUDITOR_API_KEY);
    const { PRIVACY_AUDITOR_API_KEY: _dropped, ...older } = first;
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify(older));
    const completed = loadOrCreateLocalSecrets(dir);
    expect(completed.PRIVACY_AUDITOR_API_KEY).toMatch(/^sk_/);
    expect(completed.PRIVACY_AUDITOR_API_KEY).not.toBe(first.PRIVACY_AUDITOR_API_KEY);
    expect(completed.CONTACT_KEYS).toBe(first.CONTACT_KEYS);
  });
});
