import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { EventBase } from './event';
import { CHANNELS, CONSENT_DOORS, PURPOSES, WITHDRAWAL_SOURCES } from './purposes';
import type { Channel, ConsentDoor, Purpose, WithdrawalSource } from './purposes';

/** What the consent was reached through: an order ref or a buyer pseudonym, never a platform id. */
export class ConsentLink {
  @IsOptional()
  @IsUUID()
  orderRef?: string;

  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/)
  buyerPseudonym?: string;
}

/**
 * The verified contact point the customer gave the brand, sealed (AES-256-GCM) under the marketing
 * contact key that only consent and outreach hold. It never travels in clear (ADR 0003). What is
 * sealed depends on the channel: `sms` the mobile number, `wechat` the official account's openid,
 * `wecom` the JSON `{"externalUserId","staffUserId"}` (the customer and the staff member whose
 * contact they are: only that staff member can send them a WeCom message). Additive since v1 was
 * first published: consumers that only knew `sms` ignore the other channels' points.
 */
export class SealedContactPoint {
  @IsIn(CHANNELS)
  channel: Channel;

  // `c1.<kid>.<iv>.<tag>.<ct>` under CONTACT_KEYS, or `s1.<iv>.<tag>.<ct>` under the legacy
  // CONTACT_KEY (events sealed before the ring). Ciphertext only: a phone or openid never matches.
  @IsString()
  @Matches(/^(s1|c1\.[A-Za-z0-9_-]{1,32})\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/)
  sealed: string;
}

/** A contact point for a channel the grant does not cover, or two for one channel, is refused. */
@ValidatorConstraint({ name: 'contactPointsOfGrantedChannels' })
export class ContactPointsOfGrantedChannels implements ValidatorConstraintInterface {
  validate(points: unknown, args: ValidationArguments): boolean {
    if (!Array.isArray(points)) return true; // the nested validation reports it
    const channels = (args.object as { channels?: unknown }).channels;
    const granted = Array.isArray(channels) ? channels : [];
    const seen = points.map((p) => (p as { channel?: unknown } | null)?.channel);
    return seen.every((c, i) => granted.includes(c) && seen.indexOf(c) === i);
  }

  defaultMessage(): string {
    return 'each contact point must be for a distinct channel listed in channels';
  }
}

export class ConsentGrantedV1 extends EventBase {
  override type = 'consent.granted.v1';

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsIn(PURPOSES, { each: true })
  @ArrayMinSize(1)
  purposes: Purpose[];

  @IsIn(CHANNELS, { each: true })
  channels: Channel[];

  /** One per granted channel at most, and only for a channel this grant covers. */
  @ValidateNested({ each: true })
  @Type(() => SealedContactPoint)
  @Validate(ContactPointsOfGrantedChannels)
  contactPoints: SealedContactPoint[];

  @Matches(/^[0-9a-f]{64}$/)
  noticeVersionHash: string;

  @IsIn(CONSENT_DOORS)
  door: ConsentDoor;

  @IsUUID()
  evidenceRef: string;

  @ValidateNested()
  @Type(() => ConsentLink)
  link: ConsentLink;

  /**
   * Optional, additive: the member's IANA time zone when the door knew it (e.g. the consent page's
   * browser zone), so quiet hours are the member's own; absent = the brand's zone (Asia/Shanghai).
   */
  @IsOptional()
  @IsString()
  @Matches(/^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/)
  timeZone?: string;

  /** Ledger sequence: consumers apply an older entry never over a newer one. */
  @IsInt()
  @Min(1)
  ledgerSeq: number;

  @IsISO8601({ strict: true })
  effectiveAt: string;
}

export class ConsentWithdrawnV1 extends EventBase {
  override type = 'consent.withdrawn.v1';

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsIn(PURPOSES, { each: true })
  @ArrayMinSize(1)
  purposes: Purpose[];

  @IsIn(CHANNELS, { each: true })
  @ArrayMinSize(1)
  channels: Channel[];

  @IsIn(WITHDRAWAL_SOURCES)
  source: WithdrawalSource;

  @IsInt()
  @Min(1)
  ledgerSeq: number;

  @IsISO8601({ strict: true })
  effectiveAt: string;
}

/**
 * Heartbeat published on every partition of `consent.withdrawn.v1` (invariant 4): a consumer that
 * has read the watermark `at` on a partition has seen every withdrawal committed before `at` there.
 */
export class ConsentWatermarkV1 extends EventBase {
  override type = 'consent.watermark.v1';

  @IsISO8601({ strict: true })
  at: string;

  @IsInt()
  @Min(0)
  partition: number;
}
