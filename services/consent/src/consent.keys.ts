import {
  BlindIndex,
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
  readonly contactKey: Buffer;
  readonly smsWebhookSecret: string;
  /** Signs ledger head anchors (R20), LEDGER_ANCHOR_SIGNING_KEYS. */
  readonly anchors: SigningKeyRing;

  constructor(env: Record<string, string | undefined>) {
    this.invitations = loadTokenSigner(env, 'INVITE');
    this.unsubscribe = loadTokenSigner(env, 'UNSUBSCRIBE');
    this.index = loadBlindIndex(env, 'CONSENT');
    this.contactKey = Buffer.from(requireSecret(env, 'CONTACT_KEY'), 'base64');
    this.smsWebhookSecret = requireSecret(env, 'SMS_WEBHOOK_SECRET');
    this.anchors = loadSigningKeys(env, 'LEDGER_ANCHOR');
  }

  phoneIndex(brandId: string, phone: string): string {
    return this.index.compute(`phone:${brandId}`, phone);
  }
}
