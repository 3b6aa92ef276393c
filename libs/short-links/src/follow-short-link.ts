import type { EntityManager } from 'typeorm';
import { looksLikeShortCode } from './short-code';
import { ShortLinkRepository, type ShortLink } from './short-link.repository';

/**
 * What a service's link stands for, turned into the long URL the customer page already accepts (a
 * real seam: outreach's unsubscribe links and orders' parcel cards each implement it).
 */
export interface ShortLinkTarget {
  /** The deployment's brand: a link issued for another brand is unknown here. */
  readonly brandId: string;
  /** The long URL, signed fresh at each click so that key rotation never strands a printed card. */
  longUrlFor(link: ShortLink, now: Date): string;
}

export type FollowedShortLink =
  | { kind: 'redirect'; location: string }
  | { kind: 'expired' }
  /** Unknown, another kind, another brand or malformed: one answer, so a probe learns nothing more. */
  | { kind: 'unknown' };

/** Resolves a code for one kind of link (an unsubscribe code is unknown under the card path). */
export async function followShortLink(
  tx: EntityManager,
  links: ShortLinkRepository,
  kind: string,
  target: ShortLinkTarget,
  code: string,
  now: Date = new Date(),
): Promise<FollowedShortLink> {
  if (!looksLikeShortCode(code)) return { kind: 'unknown' };
  const link = await links.find(tx, code);
  if (!link || link.kind !== kind || link.brandId !== target.brandId) return { kind: 'unknown' };
  if (link.expiresAt <= now) return { kind: 'expired' };
  return { kind: 'redirect', location: target.longUrlFor(link, now) };
}
