import {
  BlindIndex,
  ContactKeyRing,
  loadContactKeys,
  loadBlindIndex,
  loadSigningKeys,
  loadTokenSigner,
  requireSecret,
  SigningKeyRing,
  TokenSigner,
} from '@siyu/crypto';

/** The keys consent holds (R16); built once from the environment. */
export class ConsentKeys {
  readonly invitations: TokenSigner;
  /**
   * Signs every link a customer follows back to the brand: one-click unsubscribe (/u) and the
   * preference centre (/p), plus their form nonces. CUSTOMER_LINK_TOKEN_KEYS; see customerLinkEnv.
   */
  readonly customerLinks: TokenSigner;
  readonly index: BlindIndex;
  /** Seals verified contact points for outreach (ADR 0003), CONTACT_KEYS (legacy CONTACT_KEY). */
  readonly contacts: ContactKeyRing;
  readonly smsWebhookSecret: string;
  /** Signs ledger head anchors (R20), LEDGER_ANCHOR_SIGNING_KEYS. */
  readonly anchors: SigningKeyRing;

  constructor(env: Record<string, string | undefined>) {
    this.invitations = loadTokenSigner(env, 'INVITE');
    this.customerLinks = loadTokenSigner(customerLinkEnv(env), 'CUSTOMER_LINK');
    this.index = loadBlindIndex(env, 'CONSENT');
    this.contacts = loadContactKeys(env);
    this.smsWebhookSecret = requireSecret(env, 'SMS_WEBHOOK_SECRET');
    this.anchors = loadSigningKeys(env, 'LEDGER_ANCHOR');
  }

  phoneIndex(brandId: string, phone: string): string {
    return this.index.compute(`phone:${brandId}`, phone);
  }

  /** A subject whose verified contact is a WeChat openid (door 2 by OAuth); apart from phones. */
  openidSubjectIndex(brandId: string, openid: string): string {
    return this.index.compute(`openid:${brandId}`, openid);
  }
}

/**
 * The customer-link key was first named for unsubscribe links only (UNSUBSCRIBE_TOKEN_KEYS), though it
 * signs preference links too. CUSTOMER_LINK_TOKEN_KEYS says what it signs; the old name is still read
 * when the new one is unset, so deployments keep working. Outreach (which signs unsubscribe links) and
 * audience (which verifies preference links) still read the old name: while they do, a deployment that
 * sets both must give both the same keys, and a difference stops consent at start instead of breaking
 * every link outreach sends.
 */
export function customerLinkEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const named = env.CUSTOMER_LINK_TOKEN_KEYS?.trim();
  const legacy = env.UNSUBSCRIBE_TOKEN_KEYS?.trim();
  if (named && legacy && named !== legacy)
    throw new Error(
      'CUSTOMER_LINK_TOKEN_KEYS and UNSUBSCRIBE_TOKEN_KEYS differ: outreach and audience still read UNSUBSCRIBE_TOKEN_KEYS, so both must hold the same keys',
    );
  return { CUSTOMER_LINK_TOKEN_KEYS: named || legacy };
}
