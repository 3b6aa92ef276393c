import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Channel, Purpose } from '@siyu/contracts';
import { ServiceMessaging } from '@siyu/messaging';
import { CONSENT_DB } from '../consent.options';
import { LedgerRepository } from '../ledger/ledger.repository';
import { WithdrawConsent } from '../withdrawal/withdraw-consent.use-case';
import { PROFILING_PURPOSES } from './personalisation';
import { PreferencesError, PreferencesErrorCode } from './preferences.errors';

export interface PreferenceChoice {
  brandId: string;
  subjectRef: string;
  /** The purpose × channel pairs the customer left ticked, as `purpose:channel`. */
  keep: string[];
  personalisation: boolean;
}

export interface PreferenceChange {
  withdrawn: { purpose: Purpose; channel: Channel }[];
}

/**
 * R11/R12 on the preference centre: narrowing takes effect at once (ledger entries + events in one
 * transaction); widening is refused — it needs the explicit consent act of R6 on the QR page.
 */
@Injectable()
export class ChangePreferences {
  constructor(
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly withdraw: WithdrawConsent,
    private readonly messaging: ServiceMessaging,
  ) {}

  async execute(choice: PreferenceChoice): Promise<PreferenceChange> {
    const change = await this.ds.transaction(async (tx) => {
      const granted = (await this.ledger.stateOf(tx, choice.subjectRef, undefined, choice.brandId)).filter(
        (s) => s.granted,
      );
      const grantedKeys = new Set(granted.map((s) => `${s.purpose}:${s.channel}`));
      const profilingOn = granted.some((s) => PROFILING_PURPOSES.includes(s.purpose));
      if (choice.keep.some((k) => !grantedKeys.has(k)) || (choice.personalisation && !profilingOn)) {
        throw new PreferencesError(
          PreferencesErrorCode.WIDENING_REFUSED,
          'widening needs the QR consent act',
        );
      }
      const dropped = granted.filter(
        (s) =>
          !choice.keep.includes(`${s.purpose}:${s.channel}`) ||
          (!choice.personalisation && PROFILING_PURPOSES.includes(s.purpose)),
      );
      // One ledger entry per channel, so each entry withdraws exactly the pairs that were unticked.
      const byChannel = new Map<Channel, Purpose[]>();
      for (const s of dropped) byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), s.purpose]);
      for (const [channel, purposes] of byChannel) {
        await this.withdraw.withdrawIn(tx, {
          brandId: choice.brandId,
          subjectRef: choice.subjectRef,
          purposes,
          channels: [channel],
          source: 'preference_centre',
          evidence: { via: 'preference_centre' },
        });
      }
      return { withdrawn: dropped.map((s) => ({ purpose: s.purpose, channel: s.channel })) };
    });
    if (change.withdrawn.length > 0) this.messaging.relay.kick();
    return change;
  }
}
