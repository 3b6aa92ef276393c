import { generateKeyMaterial } from './keys-from-env';

/**
 * Every secret the system reads from its environment, by variable name. Each service reads only
 * the ones it owns (R16: keys only the owning service holds):
 * - orders: FULFILMENT_KEK, FULFILMENT_BLIND_INDEX_KEY, INVITE_TOKEN_KEYS
 * - consent: INVITE_TOKEN_KEYS, UNSUBSCRIBE_TOKEN_KEYS, CONTACT_KEYS, CONSENT_BLIND_INDEX_KEY, SMS_WEBHOOK_SECRET,
 *   ALIYUN_SMS_REPLY_TOKEN, TENCENT_SMS_REPLY_TOKEN, WECHAT_TOKEN, LEDGER_ANCHOR_SIGNING_KEYS (and MEMBERSHIP_WEBHOOK_SECRETS, per
 *   shop, set by whoever connects a shop: there is no default)
 * - outreach: UNSUBSCRIBE_TOKEN_KEYS, CONTACT_KEYS, ALIYUN_SMS_RECEIPT_TOKEN, TENCENT_SMS_RECEIPT_TOKEN
 * - audience: UNSUBSCRIBE_TOKEN_KEYS (verifies, never issues, the preference-page token of its "what we hold" page)
 * - each of consent, orders, audience, outreach, privacy: <SERVICE>_AUDIT_ANCHOR_SIGNING_KEYS, signing
 *   the head anchors of its own audit chain (R20, ADR 0012)
 * - privacy: PRIVACY_BLIND_INDEX_KEY, keying the per-address rate-limit rows of its public /rights pages
 *
 * CONTACT_KEY (bare base64, no kid) is the legacy form of CONTACT_KEYS: still read when set (see
 * loadContactKeys), never generated.
 */
export const SECRET_NAMES = [
  'FULFILMENT_KEK',
  'FULFILMENT_BLIND_INDEX_KEY',
  'INVITE_TOKEN_KEYS',
  'UNSUBSCRIBE_TOKEN_KEYS',
  'CONTACT_KEYS',
  'CONSENT_BLIND_INDEX_KEY',
  'SMS_WEBHOOK_SECRET',
  'ALIYUN_SMS_REPLY_TOKEN',
  'TENCENT_SMS_REPLY_TOKEN',
  'ALIYUN_SMS_RECEIPT_TOKEN',
  'TENCENT_SMS_RECEIPT_TOKEN',
  'WECHAT_TOKEN',
  'LEDGER_ANCHOR_SIGNING_KEYS',
  'CONSENT_AUDIT_ANCHOR_SIGNING_KEYS',
  'ORDERS_AUDIT_ANCHOR_SIGNING_KEYS',
  'AUDIENCE_AUDIT_ANCHOR_SIGNING_KEYS',
  'OUTREACH_AUDIT_ANCHOR_SIGNING_KEYS',
  'PRIVACY_AUDIT_ANCHOR_SIGNING_KEYS',
  'PRIVACY_BLIND_INDEX_KEY',
] as const;

export type SecretsEnv = Record<(typeof SECRET_NAMES)[number], string>;

/** Fresh key material for a first start or a test; `npm start` stores it in its data directory. */
export function generateSecretsEnv(): SecretsEnv {
  const kid = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
  return {
    FULFILMENT_KEK: `${kid}:${generateKeyMaterial()}`,
    FULFILMENT_BLIND_INDEX_KEY: generateKeyMaterial(),
    INVITE_TOKEN_KEYS: `${kid}:${generateKeyMaterial()}`,
    UNSUBSCRIBE_TOKEN_KEYS: `${kid}:${generateKeyMaterial()}`,
    // First entry seals contact points, all open (ADR 0003); rotate like the token keys.
    CONTACT_KEYS: `${kid}:${generateKeyMaterial()}`,
    CONSENT_BLIND_INDEX_KEY: generateKeyMaterial(),
    SMS_WEBHOOK_SECRET: generateKeyMaterial(),
    // Vendor callback tokens travel in URLs (ALIYUN/TENCENT) or are typed into a console (WECHAT): URL-safe.
    ALIYUN_SMS_REPLY_TOKEN: urlSafe(),
    TENCENT_SMS_REPLY_TOKEN: urlSafe(),
    // Outreach's delivery-receipt callbacks (status reports, and replies when routed there): URL tokens too.
    ALIYUN_SMS_RECEIPT_TOKEN: urlSafe(),
    TENCENT_SMS_RECEIPT_TOKEN: urlSafe(),
    WECHAT_TOKEN: urlSafe(),
    // Ed25519 seed (32 random bytes) signing ledger head anchors (R20); receipts name the kid.
    LEDGER_ANCHOR_SIGNING_KEYS: `${kid}:${generateKeyMaterial()}`,
    // One Ed25519 seed per service, signing its audit chain's head anchors (R20, ADR 0012).
    CONSENT_AUDIT_ANCHOR_SIGNING_KEYS: `${kid}:${generateKeyMaterial()}`,
    ORDERS_AUDIT_ANCHOR_SIGNING_KEYS: `${kid}:${generateKeyMaterial()}`,
    AUDIENCE_AUDIT_ANCHOR_SIGNING_KEYS: `${kid}:${generateKeyMaterial()}`,
    OUTREACH_AUDIT_ANCHOR_SIGNING_KEYS: `${kid}:${generateKeyMaterial()}`,
    PRIVACY_AUDIT_ANCHOR_SIGNING_KEYS: `${kid}:${generateKeyMaterial()}`,
    // Privacy's own HMAC key: client addresses on /rights are counted under it, never stored (R1).
    PRIVACY_BLIND_INDEX_KEY: generateKeyMaterial(),
  };
}

function urlSafe(): string {
  return Buffer.from(generateKeyMaterial(), 'base64').toString('base64url');
}

export function requireSecret(
  env: Record<string, string | undefined>,
  name: (typeof SECRET_NAMES)[number],
): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
