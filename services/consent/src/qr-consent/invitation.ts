import { createHash } from 'node:crypto';
import { CryptoError, CryptoErrorCode, type TokenSigner } from '@siyu/crypto';
import { QrConsentError, QrConsentErrorCode } from './qr-consent.errors';

export interface Invitation {
  orderRef: string;
  brandId: string;
  /** A hash of the token: evidence without storing the bearer token itself. */
  tokenId: string;
}

/** Reads a parcel-card token issued by orders (purpose `qr-invite`, payload `{o, b}`, no PII). */
export function readInvitation(signer: TokenSigner, token: string, brandId: string): Invitation {
  try {
    const payload = signer.verify(token, 'qr-invite');
    if (typeof payload.o !== 'string' || payload.b !== brandId)
      throw new QrConsentError(QrConsentErrorCode.LINK_INVALID, 'token for another brand');
    return {
      orderRef: payload.o,
      brandId,
      tokenId: createHash('sha256').update(token).digest('hex').slice(0, 32),
    };
  } catch (err) {
    if (err instanceof CryptoError && err.code === CryptoErrorCode.TOKEN_EXPIRED)
      throw new QrConsentError(QrConsentErrorCode.LINK_EXPIRED, 'invitation expired');
    if (err instanceof QrConsentError) throw err;
    throw new QrConsentError(QrConsentErrorCode.LINK_INVALID, 'invitation token invalid');
  }
}
