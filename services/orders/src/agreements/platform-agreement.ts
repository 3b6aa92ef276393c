import { PLATFORMS, PURPOSES, type Platform, type Purpose } from '@siyu/contracts';
import { FULFILMENT_PURPOSES, type FulfilmentPurpose } from '@siyu/privacy';

/** What a platform agreement can allow: the fulfilment purposes (always) and the marketing ones. */
export type AgreementPurpose = FulfilmentPurpose | Purpose;
export const AGREEMENT_PURPOSES: readonly AgreementPurpose[] = [...FULFILMENT_PURPOSES, ...PURPOSES];

/**
 * R8 defaults, per platform, for a shop whose agreement ops have not recorded yet: no marketing
 * purpose. Every platform's seller terms (Taobao/Tmall 消费者信息保护, JD, 抖店, 快手, 拼多多, 有赞)
 * hand order data over for fulfilment; a marketing use needs the platform's explicit allowance,
 * so until ops record that allowance we assume there is none (docs/ops/platform-agreements.md).
 */
export const DEFAULT_MARKETING_PURPOSES: Readonly<Record<Platform, readonly Purpose[]>> = Object.fromEntries(
  PLATFORMS.map((p) => [p, []]),
) as unknown as Record<Platform, readonly Purpose[]>;

export interface PlatformAgreement {
  platform: Platform;
  shopId: string;
  /** False: nothing recorded, the platform default applies. */
  recorded: boolean;
  /** Fulfilment purposes first (always inside), then the marketing purposes allowed. */
  allowedPurposes: AgreementPurpose[];
  /** Which agreement (document, version, date) ops read the purposes from. */
  agreementRef: string | null;
  updatedBy: string | null;
  updatedAt: string | null;
}

/** The agreement with fulfilment purposes always included, in vocabulary order. */
export function agreementOf(
  platform: Platform,
  shopId: string,
  recorded: {
    marketingPurposes: readonly string[];
    agreementRef: string | null;
    updatedBy: string;
    updatedAt: Date;
  } | null,
): PlatformAgreement {
  const marketing = recorded ? recorded.marketingPurposes : DEFAULT_MARKETING_PURPOSES[platform];
  return {
    platform,
    shopId,
    recorded: recorded !== null,
    allowedPurposes: AGREEMENT_PURPOSES.filter(
      (p) => (FULFILMENT_PURPOSES as readonly string[]).includes(p) || marketing.includes(p),
    ),
    agreementRef: recorded?.agreementRef ?? null,
    updatedBy: recorded?.updatedBy ?? null,
    updatedAt: recorded ? recorded.updatedAt.toISOString() : null,
  };
}

export function allows(agreement: PlatformAgreement, purpose: AgreementPurpose): boolean {
  return agreement.allowedPurposes.includes(purpose);
}

/** The marketing purposes of a list, deduplicated, in vocabulary order (fulfilment ones are implied). */
export function marketingPurposesOf(purposes: readonly string[]): Purpose[] {
  return PURPOSES.filter((p) => purposes.includes(p));
}

/** Says why, naming shop and purpose only (R8: "the refusal says why"); no personal data. */
export function refusalReason(platform: Platform, shopId: string, purpose: AgreementPurpose): string {
  return `shop ${platform}/${shopId}'s platform agreement does not allow ${purpose}`;
}
