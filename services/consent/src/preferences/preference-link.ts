import type { TokenSigner } from '@siyu/crypto';
import { PreferencesError, PreferencesErrorCode } from './preferences.errors';

export interface PreferenceScope {
  subjectRef: string;
  brandId: string;
}

/** Signed with the unsubscribe keys under their own purpose: a /u token never opens /p, nor back. */
const PURPOSE = 'preferences';
export const PREFERENCE_LINK_TTL_SECONDS = 30 * 24 * 3600;

export function signPreferenceLink(signer: TokenSigner, scope: PreferenceScope): string {
  return signer.sign(
    { s: scope.subjectRef, b: scope.brandId },
    { purpose: PURPOSE, expiresInSeconds: PREFERENCE_LINK_TTL_SECONDS },
  );
}

/** Forged, expired and cross-brand tokens all answer alike, so none reveals a real scope. */
export function readPreferenceLink(signer: TokenSigner, token: string, brandId: string): PreferenceScope {
  try {
    const p = signer.verify(token, PURPOSE);
    if (typeof p.s !== 'string' || p.b !== brandId) throw new Error('scope');
    return { subjectRef: p.s, brandId };
  } catch {
    throw new PreferencesError(PreferencesErrorCode.LINK_INVALID, 'preference link invalid or expired');
  }
}
