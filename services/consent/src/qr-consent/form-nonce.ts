import { createHash } from 'node:crypto';
import type { TokenSigner } from '@siyu/crypto';

/** The public forms; a nonce issued for one never passes for another. */
export type PublicForm = 'qr-code' | 'qr-agree' | 'qr-wechat-agree' | 'unsubscribe' | 'preferences';

const NONCE_TTL_SECONDS = 3600;

/**
 * CSRF on customer pages without cookies: the bearer token is in the URL, so each rendered form
 * carries a nonce signed for (form, that token) with a short life. A POST without one that the
 * server itself issued for this very page is refused and changes nothing.
 */
export function issueFormNonce(signer: TokenSigner, form: PublicForm, bearerToken: string): string {
  return signer.sign(
    { t: digest(bearerToken) },
    { purpose: `form:${form}`, expiresInSeconds: NONCE_TTL_SECONDS },
  );
}

export function formNonceIsValid(
  signer: TokenSigner,
  form: PublicForm,
  bearerToken: string,
  nonce: unknown,
): boolean {
  if (typeof nonce !== 'string' || nonce.length > 512) return false;
  try {
    return signer.verify(nonce, `form:${form}`).t === digest(bearerToken);
  } catch {
    return false;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}
