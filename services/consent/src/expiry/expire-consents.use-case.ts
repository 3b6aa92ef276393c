import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB } from '../consent.options';
import { WithdrawConsent } from '../withdrawal/withdraw-consent.use-case';
import { ConsentExpiryRepository } from './consent-expiry.repository';

/**
 * R20 §2: a grant past its expiry gets an `expired` ledger entry and a consent.withdrawn.v1
 * (source `expiry`), exactly like a withdrawal. One transaction per expiry.
 */
@Injectable()
export class ExpireConsents {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly expiries: ConsentExpiryRepository,
    private readonly withdraw: WithdrawConsent,
    private readonly messaging: ServiceMessaging,
  ) {}

  /** Processes every expiry due at `now`; returns how many grants actually lapsed. */
  async expireDue(now: Date = new Date()): Promise<number> {
    let expired = 0;
    for (;;) {
      const step = await this.ds.transaction(async (tx) => {
        const due = await this.expiries.claimNextDue(tx, now);
        if (!due) return null;
        // Before the withdrawal, whose ledger append holds the brand chain's lock until commit.
        await this.expiries.markDone(tx, due.id);
        const outcome = await this.withdraw.withdrawIn(tx, {
          brandId: due.brandId,
          subjectRef: due.subjectRef,
          purposes: due.purposes,
          channels: due.channels,
          source: 'expiry',
          evidence: { grantSeq: String(due.ledgerSeq), expiresAt: due.expiresAt.toISOString() },
          expiresGrant: due.ledgerSeq,
        });
        return outcome.withdrawn;
      });
      if (step === null) break;
      if (step) expired++;
    }
    if (expired > 0) this.messaging.relay.kick();
    return expired;
  }
}
