import { createHash, randomUUID } from 'node:crypto';
import type { ContactKeyRing, TokenSigner } from '@siyu/crypto';
import type { ContactProof } from '../grants/contact-proof';
import type { ContactCheck } from './grant-consent-by-card.use-case';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';

const STATE_TTL_SECONDS = 600;
const TICKET_TTL_SECONDS = 900;

/** OAuth `state`: bound to this parcel-card token, so a code cannot be replayed onto another card. */
export function issueOAuthState(signer: TokenSigner, bearerToken: string): string {
  return signer.sign(
    { t: digest(bearerToken) },
    { purpose: 'qr-wechat-state', expiresInSeconds: STATE_TTL_SECONDS },
  );
}

export function checkOAuthState(signer: TokenSigner, bearerToken: string, state: unknown): void {
  if (!verified(signer, state, 'qr-wechat-state', bearerToken))
    throw new QrConsentError(QrConsentErrorCode.WECHAT_AUTH_FAILED, 'oauth state missing or invalid');
}

export interface OpenidTicket {
  openid: string;
  /** Evidence id of this authorisation (the ledger never sees the openid). */
  ticketId: string;
}

/**
 * Carries the openid from the OAuth callback to the agree POST. The signed token is readable, so
 * the openid inside is sealed (R1): the page never holds it in clear.
 */
export function issueOpenidTicket(
  signer: TokenSigner,
  contacts: ContactKeyRing,
  bearerToken: string,
  openid: string,
): string {
  const ticketId = randomUUID();
  return signer.sign(
    { t: digest(bearerToken), i: ticketId, o: contacts.seal(openid, `wechat-ticket:${ticketId}`) },
    { purpose: 'qr-wechat-ticket', expiresInSeconds: TICKET_TTL_SECONDS },
  );
}

export function readOpenidTicket(
  signer: TokenSigner,
  contacts: ContactKeyRing,
  bearerToken: string,
  ticket: unknown,
): OpenidTicket {
  const payload = verified(signer, ticket, 'qr-wechat-ticket', bearerToken);
  if (!payload || typeof payload.i !== 'string' || typeof payload.o !== 'string')
    throw new QrConsentError(QrConsentErrorCode.WECHAT_AUTH_FAILED, 'openid ticket missing or invalid');
  try {
    return { openid: contacts.open(payload.o, `wechat-ticket:${payload.i}`), ticketId: payload.i };
  } catch {
    throw new QrConsentError(QrConsentErrorCode.WECHAT_AUTH_FAILED, 'openid ticket does not open');
  }
}

function verified(signer: TokenSigner, token: unknown, purpose: string, bearerToken: string) {
  if (typeof token !== 'string' || token.length > 1024) return null;
  try {
    const payload = signer.verify(token, purpose);
    return payload.t === digest(bearerToken) ? payload : null;
  } catch {
    return null;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 22);
}

/** The contact check of the WeChat step: the openid its ticket carries (read before anything is written). */
export function openidTicketCheck(
  signer: TokenSigner,
  contacts: ContactKeyRing,
  bearerToken: string,
  ticket: unknown,
): ContactCheck {
  const { openid, ticketId } = readOpenidTicket(signer, contacts, bearerToken, ticket);
  const proof: ContactProof = { by: 'wechat_oauth', openid, ticketId };
  return { by: 'wechat_oauth', proveIn: () => Promise.resolve(proof) };
}
