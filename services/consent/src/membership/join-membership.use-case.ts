import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { AgreeToConsent } from '../grants/agree-to-consent.use-case';
import { ContactProofs, type ContactProof } from '../grants/contact-proof';
import { LedgerRepository } from '../ledger/ledger.repository';
import { NoticeRepository } from '../notices/notice.repository';
import { normaliseMobile } from '../qr-consent/phone';
import type { MembershipCall } from './membership-call';
import { MembershipShops } from './membership-shops';
import { MembershipRepository, type MemberKey } from './membership.repository';
import { MembershipError, MembershipErrorCode } from './membership.errors';

/**
 * Door 1 (R7): joining the brand's membership on a platform is the affirmative act (R6). The
 * consent covers what the shop's agreement version lists, within what the brand's notice lists (R5).
 */
@Injectable()
export class JoinMembership {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly shops: MembershipShops,
    private readonly members: MembershipRepository,
    private readonly notices: NoticeRepository,
    private readonly ledger: LedgerRepository,
    private readonly proofs: ContactProofs,
    private readonly agree: AgreeToConsent,
  ) {}

  /** Runs inside the webhook's transaction; returns whether a new ledger entry was written. */
  async joinIn(tx: EntityManager, call: MembershipCall, key: MemberKey): Promise<boolean> {
    const brandId = this.options.brand.id;
    const agreement = this.shops.agreement(call.shopId, call.agreementVersion!);
    if (!agreement)
      throw new MembershipError(
        MembershipErrorCode.AGREEMENT_UNKNOWN,
        `shop ${call.shopId} has no agreement version ${call.agreementVersion} configured`,
      );
    const notice = await this.notices.findCurrent(tx, brandId);
    if (!notice) throw new MembershipError(MembershipErrorCode.NO_NOTICE, 'brand has no published notice');
    const purposes = agreement.purposes.filter((p) => notice.content.purposes.some((n) => n.id === p));
    const channels = agreement.channels.filter((c) => notice.content.channels.includes(c));
    if (purposes.length === 0 || channels.length === 0)
      throw new MembershipError(
        MembershipErrorCode.AGREEMENT_UNKNOWN,
        `agreement version ${agreement.version} covers nothing the brand's notice lists`,
      );

    await this.members.lockMember(tx, key);
    // Sealed and indexed only when the platform handed over a full, verified mobile (ADR 0003).
    const proof: ContactProof = { by: 'platform_membership', phone: verifiedMobile(call.mobile) };
    const link = await this.members.findLink(tx, key);
    const subjectRef = link?.subjectRef ?? (await this.proofs.subjectFor(tx, brandId, proof));
    await this.members.markBound(tx, key, subjectRef, agreement.version);

    // Retries and backfills of a join already in the ledger add nothing; nor does a backfill of a
    // join that happened before the member's latest withdrawal (that join is no longer their word).
    const history = await this.ledger.historyOf(tx, subjectRef);
    const covered = await this.ledger.stateOf(tx, subjectRef);
    const alreadyGranted = purposes.every((p) =>
      channels.every((c) => covered.some((s) => s.purpose === p && s.channel === c && s.granted)),
    );
    const withdrawnSince = call.joinedAt
      ? history.some(
          (e) => (e.action === 'withdrawn' || e.action === 'expired') && new Date(e.at) > call.joinedAt!,
        )
      : false;
    // The membership's lifetime runs from the join on the platform, so a late backfill neither
    // extends it nor grants one that has already run out.
    const expiresAt =
      agreement.expiresAfterDays === null
        ? undefined
        : new Date((call.joinedAt ?? new Date()).getTime() + agreement.expiresAfterDays * DAY_MS);
    const lapsed = expiresAt !== undefined && expiresAt.getTime() <= Date.now();
    if (alreadyGranted || withdrawnSince || lapsed) return false;

    const evidenceRef = randomUUID();
    await this.agree.in(tx, {
      brandId,
      subjectRef,
      purposes,
      channels,
      notice,
      door: 'membership_join',
      proof,
      expiresAt,
      evidence: {
        evidenceRef,
        platform: call.platform,
        shopId: call.shopId,
        call: call.action,
        requestId: call.requestId,
        agreementVersion: agreement.version,
      },
      evidenceRef,
      link: {},
    });
    return true;
  }
}

const DAY_MS = 86_400_000;

/** Platforms send a full mobile only after their own SMS check; masked ones (138****5678) are no key. */
function verifiedMobile(mobile: string | undefined): string | null {
  if (!mobile || mobile.includes('*')) return null;
  try {
    return normaliseMobile(mobile);
  } catch {
    return null;
  }
}
