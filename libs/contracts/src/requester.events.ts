import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { EventBase } from './event';

/**
 * Consent's public key for sealed boxes (X25519): the privacy service seals a requester's phone to it,
 * so the phone crosses the wall readable by consent alone (R14, R16). Published at every start.
 */
export class ConsentRequesterSealKeyV1 extends EventBase {
  override type = 'consent.requester-seal-key.v1';

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/)
  kid: string;

  /** Raw 32-byte X25519 public key, base64url. */
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/)
  publicKey: string;
}

/**
 * A customer started a data-subject request on the public page: consent sends the one-time code to
 * the phone and says which subject (if any) it verified. `sealed` is a sealed box to consent's key
 * holding the phone and the code; nothing in clear (R16).
 */
export class PrivacyRequesterChallengedV1 extends EventBase {
  override type = 'privacy.requester-challenged.v1';

  @IsUUID()
  challengeId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  /** The customer page's language, so the SMS speaks it too. */
  @Matches(/^(zh-CN|en)$/)
  locale: string;

  @IsString()
  @Matches(
    /^x1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{1,2000}$/,
  )
  sealed: string;
}

/** Consent's answer to a challenge: the subject whose verified phone it is, or none (a stranger). */
export class ConsentRequesterResolvedV1 extends EventBase {
  override type = 'consent.requester-resolved.v1';

  @IsUUID()
  challengeId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsOptional()
  @IsUUID()
  subjectRef?: string;
}

/** The privacy service has no seal key yet (first start, or started after consent): consent sends it. */
export class PrivacyRequesterSealKeyWantedV1 extends EventBase {
  override type = 'privacy.requester-seal-key-wanted.v1';

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;
}

/**
 * A privacy officer looks a subject up by the phone a verified offline requester gave (R14): the
 * phone is sealed to consent's key, which looks it up by its blind index and answers the subject ref.
 * No general search exists: one phone, one lookup, with the officer and purpose named (R16).
 */
export class PrivacySubjectLookupRequestedV1 extends EventBase {
  override type = 'privacy.subject-lookup-requested.v1';

  @IsUUID()
  lookupId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  /** The staff account id of the officer (not personal data of the customer). */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]{1,80}$/)
  requestedBy: string;

  @Matches(/^(answer_verified_request|follow_up_customer_request)$/)
  purpose: string;

  @IsString()
  @Matches(
    /^x1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{1,2000}$/,
  )
  sealed: string;
}

/** Consent's answer to a lookup: the subject whose verified phone it is, or none. */
export class ConsentSubjectLookupAnsweredV1 extends EventBase {
  override type = 'consent.subject-lookup-answered.v1';

  @IsUUID()
  lookupId: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsOptional()
  @IsUUID()
  subjectRef?: string;
}
