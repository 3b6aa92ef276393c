import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { WithdrawConsent } from '../withdrawal/withdraw-consent.use-case';
import { externalUserIndex, WecomBindingRepository } from './wecom-binding.repository';
import type { WecomEvent } from './wecom-callback';
import { issueWecomInvite } from './wecom-invite';
import { WecomWelcomeClient } from './wecom-welcome.client';

/**
 * What the door does with WeCom's external-contact events:
 * - a customer added a staff member: NOT consent (R6, R7). The welcome message (once, within WeCom's
 *   20 s) carries the consent page's link; nothing is stored about the customer.
 * - the customer deleted the staff member (`del_follow_user`): R9, the WeCom channel of the subject
 *   bound to that contact is withdrawn for every purpose, at once — before any next send, unlike
 *   SCRMs that learn it when a message fails.
 * - the staff member deleted the customer: the brand's own act, no consent change (the next WeCom
 *   send fails as not-a-contact).
 */
@Injectable()
export class RecordWecomEvent {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly bindings: WecomBindingRepository,
    private readonly withdraw: WithdrawConsent,
    private readonly welcome: WecomWelcomeClient,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(e: WecomEvent): Promise<void> {
    if (e.kind === 'contact_added') return this.welcomeWithConsentLink(e);
    if (e.kind === 'customer_deleted_staff') return this.withdrawWecom(e);
  }

  private async welcomeWithConsentLink(e: Extract<WecomEvent, { kind: 'contact_added' }>): Promise<void> {
    // Without a welcome code the staff member has a welcome message configured in WeCom's console,
    // which takes precedence there: the brand puts the consent entry into that one.
    if (!e.welcomeCode) return;
    const brand = this.options.brand;
    const token = issueWecomInvite(this.keys.invitations, this.keys.contacts, brand.id, e);
    const link = `${this.options.publicBaseUrl.replace(/\/$/, '')}/w/${token}`;
    await this.welcome.sendWelcome(
      e.welcomeCode,
      `您好，我是${brand.name}的顾问。如您愿意通过企业微信接收会员活动和优惠信息，请在此页面阅读说明并选择同意：${link}（不同意也不影响咨询和售后）`,
    );
  }

  private async withdrawWecom(e: Extract<WecomEvent, { kind: 'customer_deleted_staff' }>): Promise<void> {
    const brandId = this.options.brand.id;
    const externalIndex = externalUserIndex(this.keys.index, brandId, e.externalUserId);
    const createTime = Math.floor(e.at.getTime() / 1000);
    const acted = await this.ds.transaction(async (tx) => {
      if (
        !(await this.bindings.recordEventOnce(tx, {
          brandId,
          externalIndex,
          changeType: 'del_follow_user',
          createTime,
        }))
      )
        return false;
      const subjectRef = await this.bindings.findBoundSubject(tx, brandId, externalIndex);
      if (!subjectRef) return false;
      const outcome = await this.withdraw.withdrawIn(tx, {
        brandId,
        subjectRef,
        purposes: 'all',
        channels: ['wecom'],
        source: 'wecom',
        evidence: { event: 'del_follow_user', createTime: String(createTime) },
      });
      return outcome.withdrawn;
    });
    if (acted) this.messaging.relay.kick();
  }
}
