import { Module } from '@nestjs/common';
import { NoticesModule } from '../notices/notices.module';
import { LedgerModule } from '../ledger/ledger.module';
import { GrantsModule } from '../grants/grants.module';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { AnswerMembershipCall } from './answer-membership-call.use-case';
import { JoinMembership } from './join-membership.use-case';
import { LeaveMembership } from './leave-membership.use-case';
import { MembershipRepository } from './membership.repository';
import { MembershipShops } from './membership-shops';
import { MembershipWebhookController } from './membership-webhook.controller';

/** Door 1 (R7): platform membership join and leave webhooks. */
@Module({
  imports: [NoticesModule, LedgerModule, GrantsModule, WithdrawalModule],
  controllers: [MembershipWebhookController],
  providers: [MembershipShops, MembershipRepository, JoinMembership, LeaveMembership, AnswerMembershipCall],
})
export class MembershipModule {}
