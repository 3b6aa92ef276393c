import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CHANNELS } from '@siyu/contracts';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { WithdrawConsent } from '../withdrawal/withdraw-consent.use-case';
import type { MembershipCall } from './membership-call';
import { MembershipShops } from './membership-shops';
import { MembershipRepository, type MemberKey } from './membership.repository';

/** R9: leaving the membership withdraws what joining it granted, at once. */
@Injectable()
export class LeaveMembership {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly shops: MembershipShops,
    private readonly members: MembershipRepository,
    private readonly withdraw: WithdrawConsent,
  ) {}

  /** Runs inside the webhook's transaction; an unknown or already unbound member changes nothing. */
  async leaveIn(tx: EntityManager, call: MembershipCall, key: MemberKey): Promise<boolean> {
    await this.members.lockMember(tx, key);
    const link = await this.members.findLink(tx, key);
    if (!link?.bound) return false;
    await this.members.markUnbound(tx, key);
    // An agreement version since removed from config still withdraws: everything, every channel.
    const agreement = this.shops.agreement(call.shopId, link.agreementVersion);
    const outcome = await this.withdraw.withdrawIn(tx, {
      brandId: this.options.brand.id,
      subjectRef: link.subjectRef,
      purposes: agreement?.purposes ?? 'all',
      channels: agreement?.channels ?? [...CHANNELS],
      source: 'membership_unbind',
      evidence: { platform: call.platform, shopId: call.shopId, requestId: call.requestId },
    });
    return outcome.withdrawn;
  }
}
