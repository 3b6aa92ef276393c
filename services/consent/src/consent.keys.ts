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
  readonly unsubscribe: TokenSigner;
  readonly index: BlindIndex;
  /** Seals verified contact points for outreach (ADR 0003), CONTACT_KEYS (legacy CONTACT_KEY). */
  readonly contacts: ContactKeyRing;
  readonly smsWebhookSecret: string;
  /** Signs ledger head anchors (R20), LEDGER_ANCHOR_SIGNING_KEYS. */
  readonly anchors: SigningKeyRing;

  constructor(env: Record<string, string | undefined>) {
    this.invitations = loadTokenSigner(env, 'INVITE');
    this.unsubscribe = loadTokenSigner(env, 'UNSUBSCRIBE');
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
