import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  CHANNELS,
  type HeldDataLine,
  type PrivacyAccessRequestedV1,
  type PrivacyErasureRequestedV1,
} from '@siyu/contracts';
import { auditLineCategories, type SubjectDataPort } from '@siyu/data-subject-requests';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PURGED_SEQS } from '../ledger/walk-chain';
import { SubjectDataRepository, type SubjectDataCounts } from '../proof-retention/subject-data.repository';
import { WithdrawConsent } from '../withdrawal/withdraw-consent.use-case';
import { SubjectRequestRepository } from './subject-request.repository';

const contactLines = (c: SubjectDataCounts, status: HeldDataLine['status']): HeldDataLine[] => [
  { category: 'verified_phone', records: c.subjects, status, explanation: 'the phone you verified, sealed' },
  { category: 'membership_links', records: c.memberLinks, status, explanation: 'your membership bindings' },
  {
    category: 'wechat_bindings',
    records: c.wechatBindings,
    status,
    explanation: 'your WeChat openid, indexed',
  },
  {
    category: 'wechat_events',
    records: c.wechatEvents,
    status,
    explanation: 'WeChat follow/unfollow events',
  },
  {
    category: 'wecom_bindings',
    records: c.wecomBindings,
    status,
    explanation: 'your WeCom contact id, indexed',
  },
  { category: 'wecom_events', records: c.wecomEvents, status, explanation: 'WeCom add/delete events' },
  { category: 'sms_replies', records: c.smsReplies, status, explanation: 'SMS replies such as TD' },
  { category: 'one_time_codes', records: c.otpChallenges, status, explanation: 'verification codes sent' },
  { category: 'sandbox_messages', records: c.sandboxSms, status, explanation: 'test channel messages' },
];

/**
 * What consent holds on a data subject (R14), answered in the effect's transaction by
 * `answerSubjectRequest` with an audit row naming the categories. Access: what the ledger and
 * contact tables hold. Erasure: withdraw everything (R10 then deletes marketing data
 * downstream), delete every contact point and identifier, empty the ledger entries' evidence and keep
 * their content and hashes as the minimal proof (R20), with a `purged` entry recording it.
 */
@Injectable()
export class ConsentSubjectData implements SubjectDataPort {
  readonly service = 'consent';
  readonly brandId: string;
  readonly auditedFields = auditLineCategories;

  constructor(
    @Inject(CONSENT_OPTIONS) options: ConsentModuleOptions,
    private readonly ledger: LedgerRepository,
    private readonly subjectData: SubjectDataRepository,
    private readonly requests: SubjectRequestRepository,
    private readonly withdraw: WithdrawConsent,
  ) {
    this.brandId = options.brand.id;
  }

  async access(tx: EntityManager, e: PrivacyAccessRequestedV1): Promise<HeldDataLine[]> {
    const state = await this.ledger.stateOf(tx, e.subjectRef);
    const active = state.filter((s) => s.granted).map((s) => `${s.purpose} by ${s.channel}`);
    const lines: HeldDataLine[] = [
      {
        category: 'consent_ledger',
        records: await this.requests.countLedgerEntries(tx, e.brandId, e.subjectRef),
        status: 'held',
        explanation: 'every consent and withdrawal you gave, with its notice version',
      },
      {
        category: 'active_consents',
        records: active.length,
        status: 'held',
        explanation: active.length ? `active: ${active.join(', ')}` : 'no active consent',
      },
      {
        category: 'consent_expiries',
        records: await this.requests.countExpiries(tx, e.brandId, e.subjectRef),
        status: 'held',
        explanation: 'when a time-limited consent ends',
      },
      ...contactLines(await this.subjectData.countAllOf(tx, e.brandId, e.subjectRef), 'held'),
    ];
    return lines;
  }

  async erase(tx: EntityManager, e: PrivacyErasureRequestedV1): Promise<HeldDataLine[]> {
    // Lock order as every grant takes it: the subject's contact rows first, the brand chain after
    // (the withdrawal's append). The other way round, a re-grant of the same subject binding its
    // openid meanwhile deadlocked with this erasure (docs/consent/ledger-write-order.md).
    await this.subjectData.lockAllOf(tx, e.brandId, e.subjectRef);
    await this.withdraw.withdrawIn(tx, {
      brandId: e.brandId,
      subjectRef: e.subjectRef,
      purposes: 'all',
      channels: [...CHANNELS],
      source: 'privacy_request',
      evidence: { requestId: e.requestId },
    });
    await this.ledger.lockChain(tx, e.brandId);
    const seqs = await this.ledger.listEntriesWithEvidence(tx, e.brandId, e.subjectRef);
    await this.ledger.minimiseEvidence(tx, seqs);
    const deleted = await this.subjectData.deleteAllOf(tx, e.brandId, e.subjectRef);
    const expiries = await this.requests.deleteExpiries(tx, e.brandId, e.subjectRef);
    if (seqs.length > 0)
      await this.ledger.append(tx, {
        brandId: e.brandId,
        subjectRef: e.subjectRef,
        action: 'purged',
        purposes: [],
        channels: [],
        evidence: { [PURGED_SEQS]: seqs.join(','), requestId: e.requestId },
      });
    const lines: HeldDataLine[] = [
      {
        category: 'consent_ledger',
        records: await this.requests.countLedgerEntries(tx, e.brandId, e.subjectRef),
        status: 'kept_as_proof',
        explanation:
          'kept as proof of what you agreed to and withdrew (subject ref, purposes, channels, times, notice version); evidence emptied',
      },
      {
        category: 'consent_expiries',
        records: expiries,
        status: 'deleted',
        explanation: 'consent end timers',
      },
      ...contactLines(deleted, 'deleted'),
    ];
    return lines;
  }
}
