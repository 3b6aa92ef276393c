import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EventBase } from './event';

/** The services that answer data-subject requests (R14); each names itself in its answer. */
export const ANSWERING_SERVICES = ['consent', 'orders', 'audience', 'outreach', 'identity'] as const;
export type AnsweringService = (typeof ANSWERING_SERVICES)[number];

export const REQUEST_KINDS = ['access', 'erasure', 'withdraw_all', 'correct'] as const;
export type DataSubjectRequestKind = (typeof REQUEST_KINDS)[number];

/** R14: "send me what you hold on this subject". Carries the subject ref only, never a contact point. */
export class PrivacyAccessRequestedV1 extends EventBase {
  override type = 'privacy.access-requested.v1';

  @IsUUID()
  requestId: string;

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;
}

/** R14: "delete or minimise what you hold on this subject, keeping only what a legal hold needs". */
export class PrivacyErasureRequestedV1 extends EventBase {
  override type = 'privacy.erasure-requested.v1';

  @IsUUID()
  requestId: string;

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;
}

/**
 * R14/R9: "withdraw every consent I gave", as a request the customer can follow. Consent withdraws
 * and answers; every other service acts on the resulting consent.withdrawn.v1 as for any withdrawal (R10).
 */
export class PrivacyWithdrawAllRequestedV1 extends EventBase {
  override type = 'privacy.withdraw-all-requested.v1';

  @IsUUID()
  requestId: string;

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;
}

/**
 * What a customer can have corrected (R14, PIPL Art. 46), from a fixed catalogue: a field whose
 * corrected value is not personal information on its own, so it may travel in an event. The phone is
 * not here: a new contact point is verified by a code in consent's own flow (R6), never by an event.
 */
export const CORRECTABLE_FIELDS = ['time_zone'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** R14: "this is wrong about me, correct it to this value". */
export class PrivacyCorrectionRequestedV1 extends EventBase {
  override type = 'privacy.correction-requested.v1';

  @IsUUID()
  requestId: string;

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsIn(CORRECTABLE_FIELDS)
  field: CorrectableField;

  /** The corrected value: for `time_zone` an IANA zone name (letters, `/`, `_`, `+`, `-`; no digit runs). */
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9_+\/-]{0,63}$/)
  value: string;
}

/**
 * One line of a service's answer: a category of data, how many records, and what happened to it.
 * Counts and category names only: the answer travels as an event, so it carries no PII (R16).
 */
export class HeldDataLine {
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,59}$/)
  category: string;

  @IsInt()
  @Min(0)
  records: number;

  @IsIn(['held', 'deleted', 'kept_as_proof', 'kept_under_legal_hold', 'withdrawn', 'corrected'])
  status: 'held' | 'deleted' | 'kept_as_proof' | 'kept_under_legal_hold' | 'withdrawn' | 'corrected';

  /** Until when a kept record stays (legal hold end, proof retention end). */
  @IsOptional()
  @IsISO8601({ strict: true })
  keptUntil?: string;

  /** The service's own words: why it holds or keeps this, for the receipt. No PII. */
  @IsString()
  @MaxLength(500)
  // A run of 7+ digits is a phone, an order id or a platform id: never in an event (R16).
  @Matches(/^(?![\s\S]*\d{7})[\s\S]*$/, { message: 'explanation must not carry a run of 7 or more digits' })
  explanation: string;
}

/** A service's answer to one access or erasure request: what it holds, or what it did. */
export class PrivacyRequestAnsweredV1 extends EventBase {
  override type = 'privacy.request-answered.v1';

  @IsUUID()
  requestId: string;

  @IsUUID()
  subjectRef: string;

  @IsIn(ANSWERING_SERVICES)
  service: AnsweringService;

  @IsIn(REQUEST_KINDS)
  kind: DataSubjectRequestKind;

  @ValidateNested({ each: true })
  @ArrayMaxSize(100)
  @Type(() => HeldDataLine)
  lines: HeldDataLine[];
}

/**
 * R19: "count the individuals whose personal information you process". Each service answers with
 * counts per population of its own keys (blind indexes, pseudonyms, account ids): no identity is
 * joined across services, so privacy reports bounds, not an exact union.
 */
export class PrivacyIndividualsCountRequestedV1 extends EventBase {
  override type = 'privacy.individuals-count-requested.v1';

  @IsUUID()
  countId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;
}

export class IndividualsPopulation {
  /** What was counted, in the service's words: `consent_subjects`, `buyers`, `receivers`, `staff`. */
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,59}$/)
  population: string;

  @IsInt()
  @Min(0)
  individuals: number;
}

export class PrivacyIndividualsCountedV1 extends EventBase {
  override type = 'privacy.individuals-counted.v1';

  @IsUUID()
  countId: string;

  @IsIn(ANSWERING_SERVICES)
  service: AnsweringService;

  @ValidateNested({ each: true })
  @ArrayMaxSize(20)
  @Type(() => IndividualsPopulation)
  populations: IndividualsPopulation[];
}
