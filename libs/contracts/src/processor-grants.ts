import { ArrayMaxSize, ArrayMinSize, IsIn, IsISO8601, IsString, IsUUID, Matches } from 'class-validator';
import { EventBase } from './event';
import { TAG_CATEGORIES } from './tag-categories';

/**
 * R15: the fixed catalogue of what an entrusted processor (an agency) may be granted. Pseudonymous
 * or aggregate-bearing fields only: no contact data, never a phone, a name, an address or a
 * platform id, so no grant can open them.
 */
export const PROCESSOR_GRANT_FIELDS = [
  // A per-grant pseudonym of the member (a hash of grant id and subject ref): two grants cannot be joined.
  'member_ref_pseudonymised',
  'segment_membership',
  'consented_channels',
  ...TAG_CATEGORIES.map((c) => `tag_values:${c}` as const),
] as const;
export type ProcessorGrantField = (typeof PROCESSOR_GRANT_FIELDS)[number];

/** What an agency may be entrusted with (PIPL Art. 21: the purpose of the entrustment). */
export const PROCESSOR_GRANT_PURPOSES = [
  'campaign_planning',
  'campaign_analytics',
  'audience_research',
] as const;
export type ProcessorGrantPurpose = (typeof PROCESSOR_GRANT_PURPOSES)[number];

/** The scope a processor's machine token carries (identity copies it from the grant). */
export interface ProcessorGrantScope {
  id: string;
  purpose: ProcessorGrantPurpose;
  fields: ProcessorGrantField[];
  /** ISO time: access ends here whatever the token says. */
  until: string;
}

/** R15: a privacy officer issued a processor grant; identity may now bind an API key to it. */
export class PrivacyProcessorGrantIssuedV1 extends EventBase {
  override type = 'privacy.processor-grant-issued.v1';

  @IsUUID()
  grantId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsIn(PROCESSOR_GRANT_PURPOSES)
  purpose: ProcessorGrantPurpose;

  @ArrayMinSize(1)
  @ArrayMaxSize(PROCESSOR_GRANT_FIELDS.length)
  @IsIn(PROCESSOR_GRANT_FIELDS, { each: true })
  fields: ProcessorGrantField[];

  @IsISO8601({ strict: true })
  validFrom: string;

  @IsISO8601({ strict: true })
  validUntil: string;
}

/** R15: a grant ended early (revoked by the officer); every service holding processor routes refuses it at once. */
export class PrivacyProcessorGrantEndedV1 extends EventBase {
  override type = 'privacy.processor-grant-ended.v1';

  @IsUUID()
  grantId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsISO8601({ strict: true })
  endedAt: string;

  /** Only a revocation is announced: a grant's own end is in every token's `until` claim. */
  @IsIn(['revoked'])
  reason: 'revoked';
}
