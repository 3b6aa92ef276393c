import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { ConsentKeys } from '../consent.keys';
import { recogniseOptOut } from '../withdrawal/sms-keywords';
import { WithdrawConsent, type Withdrawal } from '../withdrawal/withdraw-consent.use-case';
import { openidIndex, WechatBindingRepository } from './wechat-binding.repository';

/** The menu item a brand adds to its official account: "退订营销消息". */
export const UNSUBSCRIBE_MENU_KEY = 'UNSUBSCRIBE_MARKETING';

/** Which pushes withdraw: 取消关注, the unsubscribe menu item, or a T/TD/退订… text reply. */
export function wechatOptOut(
  fields: Record<string, string>,
): { event: string; eventKey: string | null } | null {
  if (fields.MsgType === 'event' && fields.Event === 'unsubscribe')
    return { event: 'unsubscribe', eventKey: null };
  if (fields.MsgType === 'event' && fields.Event === 'CLICK' && fields.EventKey === UNSUBSCRIBE_MENU_KEY)
    return { event: 'CLICK', eventKey: UNSUBSCRIBE_MENU_KEY };
  const keyword = fields.MsgType === 'text' ? recogniseOptOut(fields.Content ?? '') : null;
  return keyword ? { event: 'text_opt_out', eventKey: keyword } : null;
}

/**
 * R9 on WeChat: withdraws the wechat channel (every purpose) of the subject bound to the openid.
 * With no binding yet, the event is stored and nothing else changes.
 */
@Injectable()
export class RecordWechatEvent {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly keys: ConsentKeys,
    private readonly bindings: WechatBindingRepository,
    private readonly withdraw: WithdrawConsent,
    private readonly messaging: ServiceMessaging,
  ) {}

  /** Resolves once the event (and any withdrawal) is durable; WeChat is answered only then. */
  async execute(openid: string, createTime: number, optOut: { event: string; eventKey: string | null }) {
    const brandId = this.options.brand.id;
    const row = {
      brandId,
      openidIndex: openidIndex(this.keys.index, brandId, openid),
      createTime,
      ...optOut,
    };
    const acted = await this.ds.transaction(async (tx) => {
      if (!(await this.bindings.recordEventOnce(tx, row))) return false;
      const subjectRef = await this.bindings.findBoundSubject(tx, brandId, row.openidIndex);
      if (!subjectRef) return false;
      const withdrawal: Withdrawal = {
        brandId,
        subjectRef,
        purposes: 'all',
        channels: ['wechat'],
        source: 'wechat',
        evidence: { event: row.event, ...(row.eventKey ? { eventKey: row.eventKey } : {}) },
      };
      const plan = await this.withdraw.planIn(tx, withdrawal);
      if (!plan) return false;
      // Marked before the ledger append, which holds the brand chain's lock until commit.
      await this.bindings.markActed(tx, row);
      await this.withdraw.recordIn(tx, withdrawal, plan);
      return true;
    });
    if (acted) this.messaging.relay.kick();
  }
}
