import { createHash } from 'node:crypto';
import type { TokenSigner } from '@siyu/crypto';

/** The public forms; a nonce issued for one never passes for another. */
export type PublicForm =
  'qr-code' | 'qr-agree' | 'qr-wechat-agree' | 'wecom-agree' | 'unsubscribe' | 'preferences';

/** valid; missing/forged/expired/for another form or link; or genuine but the bound fields were changed. */
export type FormNonceCheck = 'valid' | 'invalid' | 'tampered';

const NONCE_TTL_SECONDS = 3600;

/**
 * CSRF on customer pages without cookies: the bearer token is in the URL, so each rendered form
 * carries a nonce signed for (form, that token) with a short life. A POST without one that the
 * server itself issued for this very page is refused and changes nothing. `binds` ties hidden
 * fields to the nonce (R5: the locale and notice hash the page showed), so changing them is seen.
 */
export function issueFormNonce(
  signer: TokenSigner,
  form: PublicForm,
  bearerToken: string,
  binds = '',
): string {
  return signer.sign(
    { t: digest(bearerToken), ...(binds ? { b: binds } : {}) },
    { purpose: `form:${form}`, expiresInSeconds: NONCE_TTL_SECONDS },
  );
}

export function checkFormNonce(
  signer: TokenSigner,
  form: PublicForm,
  bearerToken: string,
  nonce: unknown,
  binds = '',
): FormNonceCheck {
  if (typeof nonce !== 'string' || nonce.length > 1024) return 'invalid';
  let payload: Record<string, unknown>;
  try {
    payload = signer.verify(nonce, `form:${form}`);
  } catch {
    return 'invalid';
  }
  if (payload.t !== digest(bearerToken)) return 'invalid';
  return (payload.b ?? '') === binds ? 'valid' : 'tampered';
}

export function formNonceIsValid(
  signer: TokenSigner,
  form: PublicForm,
  bearerToken: string,
  nonce: unknown,
): boolean {
  return checkFormNonce(signer, form, bearerToken, nonce) === 'valid';
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}
