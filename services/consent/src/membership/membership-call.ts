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
  /**
   * R2 / PIPL Art. 31: a birth date (YYYY-MM-DD) or an age, when the platform's member form carried
   * one (`birthday` / `birth_date`, `age`); absent on most platforms (docs/privacy/minors.md).
   */
  birthDate?: string;
  age?: number;
}

/**
 * R2: whether the member was under 14 when joining (their age on the join day, China time). Unknown
 * (neither field sent) counts as 14 or older, as on the consent pages when the question is skipped.
 */
export function joinedUnder14(call: MembershipCall, now: Date = new Date()): boolean {
  if (call.age !== undefined) return call.age < 14;
  if (!call.birthDate) return false;
  const joinDay = chinaDate(call.joinedAt ?? now);
  const [y, m, d] = call.birthDate.split('-');
  return `${Number(y) + 14}-${m}-${d}` > joinDay;
}

const chinaDate = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

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
  const birthDate = readBirthDate(b.birthday ?? b.birth_date, invalid);
  const age = readAge(b.age, invalid);
  return {
    platform: platform as MembershipPlatform,
    shopId,
    action: action as MembershipAction,
    requestId,
    memberId,
    mobile: text(b.mobile, 32),
    agreementVersion,
    joinedAt: Number.isFinite(joinTime) && joinTime > 0 ? new Date(joinTime * 1000) : undefined,
    ...(birthDate ? { birthDate } : {}),
    ...(age !== undefined ? { age } : {}),
  };
}

/**
 * `1990-05-01`, `1990/05/01` or `19900501`; empty means not given. Anything else is refused rather
 * than guessed (a minor must not slip through a misread date); the value is never echoed (R1).
 */
function readBirthDate(v: unknown, invalid: (m: string) => Error): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const m = typeof v === 'string' ? /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})$/.exec(v.trim()) : null;
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
  const parsed = new Date(`${iso}T00:00:00Z`);
  if (
    !m ||
    Number.isNaN(parsed.getTime()) ||
    parsed.toISOString().slice(0, 10) !== iso ||
    parsed > new Date()
  )
    throw invalid('birthday must be a past date as YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD');
  return iso;
}

function readAge(v: unknown, invalid: (m: string) => Error): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,3}$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 150)
    throw invalid('age must be a whole number of years, 0 to 150');
  return n;
}
