import { BlindIndex, loadBlindIndex, loadTokenSigner, requireSecret, TokenSigner } from '@siyu/crypto';

/** The keys consent holds (R16); built once from the environment. */
export class ConsentKeys {
  readonly invitations: TokenSigner;
  readonly unsubscribe: TokenSigner;
  readonly index: BlindIndex;
  readonly contactKey: Buffer;
  readonly smsWebhookSecret: string;

  constructor(env: Record<string, string | undefined>) {
    this.invitations = loadTokenSigner(env, 'INVITE');
    this.unsubscribe = loadTokenSigner(env, 'UNSUBSCRIBE');
    this.index = loadBlindIndex(env, 'CONSENT');
    this.contactKey = Buffer.from(requireSecret(env, 'CONTACT_KEY'), 'base64');
    this.smsWebhookSecret = requireSecret(env, 'SMS_WEBHOOK_SECRET');
  }

  phoneIndex(brandId: string, phone: string): string {
    return this.index.compute(`phone:${brandId}`, phone);
  }
}
