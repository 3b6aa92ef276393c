import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';
import type { TokenSigner } from '@siyu/crypto';
import { WithdrawalError, WithdrawalErrorCode } from './withdrawal.errors';

export interface UnsubscribeScope {
  subjectRef: string;
  brandId: string;
  channel: Channel;
  purpose: Purpose;
}

/** Unsubscribe tokens are minted by outreach per message (`{s,b,c,u}`, opaque refs only) and read here. */
export function readUnsubscribeLink(signer: TokenSigner, token: string): UnsubscribeScope {
  try {
    const p = signer.verify(token, 'unsubscribe');
    const channel = p.c as Channel;
    const purpose = p.u as Purpose;
    if (
      typeof p.s !== 'string' ||
      typeof p.b !== 'string' ||
      !CHANNELS.includes(channel) ||
      !PURPOSES.includes(purpose)
    ) {
      throw new Error('scope incomplete');
    }
    return { subjectRef: p.s, brandId: p.b, channel, purpose };
  } catch {
    // Expired links still name a real scope, but a link scanner or a forger learns nothing either way.
    throw new WithdrawalError(WithdrawalErrorCode.LINK_INVALID, 'unsubscribe link invalid or expired');
  }
}
