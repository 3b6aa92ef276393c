import { MembershipError, MembershipErrorCode } from './membership.errors';

export const MEMBERSHIP_PLATFORMS = ['tmall', 'taobao', 'douyin', 'jd'] as const;
export type MembershipPlatform = (typeof MEMBERSHIP_PLATFORMS)[number];

export const MEMBERSHIP_ACTIONS = ['bind', 'register', 'query', 'unbind'] as const;
export type MembershipAction = (typeof MEMBERSHIP_ACTIONS)[number];

export interface MembershipCall {
  platform: MembershipPlatform;
  shopId: string;
  action: MembershipAction;
  /** The platform's id for this call; its retries and backfills repeat it. */
  requestId: string;
  /** Platform member id (Tmall omid, Douyin/JD open_id): personal (R1), only ever blind-indexed. */
  memberId: string;
  /** A full mobile the platform verified when the member joined; masked numbers are ignored. */
  mobile?: string;
  agreementVersion?: string;
  /** When the member joined on the platform (a backfill can arrive hours later). */
  joinedAt?: Date;
}

/**
 * Reads the JSON body. Hand-checked rather than a whitelisting DTO: platforms add fields without
 * notice (seller_name, nick, level, extend…), and an unknown field must not fail a member's join.
 */
export function readMembershipCall(
  platform: string,
  action: string,
  shopId: string,
  body: unknown,
): MembershipCall {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (v: unknown, max: number) =>
    typeof v === 'string' && v.trim().length > 0 && v.length <= max ? v.trim() : undefined;
  const invalid = (message: string) => new MembershipError(MembershipErrorCode.BODY_INVALID, message);
  if (!(MEMBERSHIP_PLATFORMS as readonly string[]).includes(platform))
    throw invalid(`platform must be one of ${MEMBERSHIP_PLATFORMS.join(', ')}`);
  if (!(MEMBERSHIP_ACTIONS as readonly string[]).includes(action))
    throw invalid(`action must be one of ${MEMBERSHIP_ACTIONS.join(', ')}`);
  const requestId = text(b.request_id, 128);
  const memberId = text(b.omid, 256) ?? text(b.open_id, 256);
  if (!requestId) throw invalid('request_id missing');
  if (!memberId) throw invalid('omid (or open_id) missing');
  const agreementVersion =
    text(b.agreement_version, 32) ??
    (typeof b.agreement_version === 'number' ? String(b.agreement_version) : undefined);
  if ((action === 'bind' || action === 'register') && !agreementVersion)
    throw invalid('agreement_version missing');
  const joinTime = typeof b.join_time === 'number' ? b.join_time : Number(text(b.join_time, 16) ?? NaN);
  return {
    platform: platform as MembershipPlatform,
    shopId,
    action: action as MembershipAction,
    requestId,
    memberId,
    mobile: text(b.mobile, 32),
    agreementVersion,
    joinedAt: Number.isFinite(joinTime) && joinTime > 0 ? new Date(joinTime * 1000) : undefined,
  };
}
