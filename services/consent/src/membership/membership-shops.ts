import { Inject, Injectable } from '@nestjs/common';
import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';

export interface MembershipAgreement {
  version: string;
  purposes: Purpose[];
  channels: Channel[];
  /** Days a join's consent lasts from the join (null: until the member leaves). */
  expiresAfterDays: number | null;
}

/**
 * When a shop's agreement does not say: two years. Consent that silently never lapses keeps
 * messaging people long after they stopped caring (R5 retention, PIPL Art. 19 "shortest time
 * necessary"); a lapsed member who is still interested re-joins, which is a fresh act (R6).
 * `"expiresAfterDays": null` says "until unbind" explicitly.
 */
export const DEFAULT_MEMBERSHIP_DAYS = 730;
const MAX_MEMBERSHIP_DAYS = 36_500;

/**
 * The brand's shops on membership platforms, from the environment:
 * - MEMBERSHIP_WEBHOOK_SECRETS = `shopId:secret,…` (the per-shop signing secret; a secret);
 * - MEMBERSHIP_AGREEMENTS = JSON `{"<shopId>": {"<version>": {"purposes": […], "channels": […],
 *   "expiresAfterDays": 730}}}`, what each version of the shop's membership agreement lets the brand
 *   do (R7) and for how long (default DEFAULT_MEMBERSHIP_DAYS; null = until the member leaves).
 * A shop with no secret is refused; an agreement version not listed grants nothing.
 */
@Injectable()
export class MembershipShops {
  private readonly secrets = new Map<string, string>();
  private readonly agreements = new Map<string, MembershipAgreement>();

  constructor(@Inject(CONSENT_OPTIONS) options: ConsentModuleOptions) {
    for (const entry of (options.env.MEMBERSHIP_WEBHOOK_SECRETS ?? '').split(',')) {
      const colon = entry.indexOf(':');
      if (colon > 0 && entry.slice(colon + 1).trim()) {
        this.secrets.set(entry.slice(0, colon).trim(), entry.slice(colon + 1).trim());
      }
    }
    const raw = options.env.MEMBERSHIP_AGREEMENTS?.trim();
    if (raw) this.readAgreements(raw);
  }

  secretOf(shopId: string): string | undefined {
    return this.secrets.get(shopId);
  }

  agreement(shopId: string, version: string): MembershipAgreement | undefined {
    return this.agreements.get(`${shopId}\0${version}`);
  }

  private readAgreements(raw: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error('MEMBERSHIP_AGREEMENTS is not JSON');
    }
    for (const [shopId, versions] of Object.entries(parsed as Record<string, unknown>)) {
      for (const [version, terms] of Object.entries((versions ?? {}) as Record<string, unknown>)) {
        const { purposes, channels, expiresAfterDays } = (terms ?? {}) as {
          purposes?: unknown;
          channels?: unknown;
          expiresAfterDays?: unknown;
        };
        const valid =
          Array.isArray(purposes) &&
          purposes.length > 0 &&
          purposes.every((p) => PURPOSES.includes(p)) &&
          Array.isArray(channels) &&
          channels.length > 0 &&
          channels.every((c) => CHANNELS.includes(c));
        // Fail at start: a typo here would otherwise grant the wrong purposes (R7).
        if (!valid) throw new Error(`MEMBERSHIP_AGREEMENTS: shop ${shopId} version ${version} is malformed`);
        const lifetime = expiresAfterDays === undefined ? DEFAULT_MEMBERSHIP_DAYS : expiresAfterDays;
        if (
          lifetime !== null &&
          !(
            typeof lifetime === 'number' &&
            Number.isInteger(lifetime) &&
            lifetime >= 1 &&
            lifetime <= MAX_MEMBERSHIP_DAYS
          )
        )
          throw new Error(
            `MEMBERSHIP_AGREEMENTS: shop ${shopId} version ${version}: expiresAfterDays must be a whole number of days from 1 to ${MAX_MEMBERSHIP_DAYS}, or null`,
          );
        this.agreements.set(`${shopId}\0${version}`, {
          version,
          purposes,
          channels,
          expiresAfterDays: lifetime as number | null,
        });
      }
    }
  }
}
