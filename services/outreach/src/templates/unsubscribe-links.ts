import { Inject, Injectable } from '@nestjs/common';
import { loadTokenSigner, type TokenSigner } from '@siyu/crypto';
import type { Channel, Purpose } from '@siyu/contracts';
import { OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';

const UNSUBSCRIBE_LINK_TTL = 400 * 24 * 3600;

/** R9: the signed one-tap link each marketing message carries; consent's page redeems it. */
@Injectable()
export class UnsubscribeLinks {
  private readonly signer: TokenSigner;

  constructor(@Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions) {
    this.signer = loadTokenSigner(options.env, 'UNSUBSCRIBE');
  }

  linkFor(subjectRef: string, channel: Channel, purpose: Purpose): string {
    const token = this.signer.sign(
      { s: subjectRef, b: this.options.brand.id, c: channel, u: purpose },
      { purpose: 'unsubscribe', expiresInSeconds: UNSUBSCRIBE_LINK_TTL },
    );
    return `${this.options.publicBaseUrl}/u/${token}`;
  }

  /** A link as long as every real one (same-length fields), for length and cost estimates. */
  sample(channel: Channel, purpose: Purpose): string {
    return this.linkFor('00000000-0000-4000-8000-000000000000', channel, purpose);
  }
}
