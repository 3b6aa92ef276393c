import { randomUUID } from 'node:crypto';
import { CryptoError, CryptoErrorCode, type ContactKeyRing, type TokenSigner } from '@siyu/crypto';
import { QrConsentError, QrConsentErrorCode } from '../qr-consent/qr-consent.errors';

/** How long the welcome message's consent link stays valid. */
const INVITE_TTL_SECONDS = 7 * 24 * 3600;

/** The WeCom contact a welcome link was issued for (R1: both ids are personal / staff data). */
export interface WecomInvite {
  brandId: string;
  inviteId: string;
  externalUserId: string;
  staffUserId: string;
}

/**
 * The consent link in the welcome message: signed, and since a signed token is readable, the
 * customer's external_userid and the staff userid inside are sealed (R1) — the page never shows them.
 */
export function issueWecomInvite(
  signer: TokenSigner,
  contacts: ContactKeyRing,
  brandId: string,
  contact: { externalUserId: string; staffUserId: string },
): string {
  const inviteId = randomUUID();
  const sealed = contacts.seal(
    JSON.stringify([contact.externalUserId, contact.staffUserId]),
    `wecom-invite:${inviteId}`,
  );
  return signer.sign(
    { b: brandId, i: inviteId, x: sealed },
    { purpose: 'wecom-invite', expiresInSeconds: INVITE_TTL_SECONDS },
  );
}

export function readWecomInvite(
  signer: TokenSigner,
  contacts: ContactKeyRing,
  token: string,
  brandId: string,
): WecomInvite {
  let payload: Record<string, unknown>;
  try {
    if (token.length > 2048) throw new Error('too long');
    payload = signer.verify(token, 'wecom-invite');
  } catch (err) {
    if (err instanceof CryptoError && err.code === CryptoErrorCode.TOKEN_EXPIRED)
      throw new QrConsentError(QrConsentErrorCode.LINK_EXPIRED, 'WeCom consent link expired');
    throw new QrConsentError(QrConsentErrorCode.LINK_INVALID, 'WeCom consent link invalid');
  }
  if (payload.b !== brandId || typeof payload.i !== 'string' || typeof payload.x !== 'string')
    throw new QrConsentError(QrConsentErrorCode.LINK_INVALID, 'WeCom consent link invalid');
  try {
    const [externalUserId, staffUserId] = JSON.parse(
      contacts.open(payload.x, `wecom-invite:${payload.i}`),
    ) as string[];
    if (typeof externalUserId !== 'string' || typeof staffUserId !== 'string') throw new Error('shape');
    return { brandId, inviteId: payload.i, externalUserId, staffUserId };
  } catch {
    throw new QrConsentError(QrConsentErrorCode.LINK_INVALID, 'WeCom consent link does not open');
  }
}
