import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { answer, under14Answer, type MembershipAnswer } from './membership-answer';
import { joinedUnder14, type MembershipCall } from './membership-call';
import { TIMESTAMP_WINDOW_SECONDS } from './membership-signature';
import { MembershipRepository, type MemberKey } from './membership.repository';
import { MembershipError, MembershipErrorCode } from './membership.errors';
import { JoinMembership } from './join-membership.use-case';
import { LeaveMembership } from './leave-membership.use-case';

/**
 * One signed platform call, in one transaction: the nonce, the claim on the request id, the ledger
 * entry and its event, and the answer commit together. The platform is answered after the commit.
 */
@Injectable()
export class AnswerMembershipCall {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly members: MembershipRepository,
    private readonly join: JoinMembership,
    private readonly leave: LeaveMembership,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(call: MembershipCall, nonce: string): Promise<MembershipAnswer> {
    const key: MemberKey = {
      brandId: this.options.brand.id,
      platform: call.platform,
      shopId: call.shopId,
      // R1: the member id is personal; only its blind index, per platform and shop, is a key.
      memberIndex: this.keys.index.compute(`member:${call.platform}:${call.shopId}`, call.memberId),
    };
    let wrote = false;
    const result = await this.ds.transaction(async (tx) => {
      // Twice the window: a nonce is remembered for as long as its timestamp could still pass.
      if (
        !(await this.members.rememberNonce(
          tx,
          `membership:${call.shopId}`,
          nonce,
          2 * TIMESTAMP_WINDOW_SECONDS,
        ))
      )
        throw new MembershipError(MembershipErrorCode.NONCE_REPLAYED, 'nonce already used');
      if (call.action === 'query') {
        const link = await this.members.findLink(tx, key);
        return answer(call.requestId, link?.bound ?? false);
      }
      const claim = await this.members.claimCall(tx, call.platform, call.shopId, call.requestId, call.action);
      if (!claim.claimed) {
        if (claim.action !== call.action)
          throw new MembershipError(
            MembershipErrorCode.BODY_INVALID,
            `request_id was already used for ${claim.action}`,
          );
        return claim.answer as MembershipAnswer;
      }
      // R2 / PIPL Art. 31, the pages' rule: under 14, nothing but the answer is written.
      if (call.action !== 'unbind' && joinedUnder14(call)) {
        const refused = under14Answer(call.requestId);
        await this.members.storeAnswer(tx, call.platform, call.shopId, call.requestId, refused);
        return refused;
      }
      // The answer is stored before the join or unbind, whose ledger append must be the
      // transaction's last write (it holds the brand chain's lock until commit); any error in
      // either rolls the stored answer back with it.
      const given = answer(call.requestId, call.action !== 'unbind');
      await this.members.storeAnswer(tx, call.platform, call.shopId, call.requestId, given);
      wrote =
        call.action === 'unbind'
          ? await this.leave.leaveIn(tx, call, key)
          : await this.join.joinIn(tx, call, key);
      return given;
    });
    if (wrote) this.messaging.relay.kick();
    return result;
  }
}
