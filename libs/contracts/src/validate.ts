import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import type { EventBase } from './event';
import { ConsentGrantedV1, ConsentWatermarkV1, ConsentWithdrawnV1 } from './consent.events';
import { OrdersFactsReleasedV1, OrdersFactsRevokedV1, OrdersIngestedV1 } from './orders.events';
import { SegmentMaterializedV1, SegmentVersionChangedV1 } from './audience.events';
import {
  PrivacyAccessRequestedV1,
  PrivacyCorrectionRequestedV1,
  PrivacyErasureRequestedV1,
  PrivacyIndividualsCountedV1,
  PrivacyIndividualsCountRequestedV1,
  PrivacyRequestAnsweredV1,
  PrivacyWithdrawAllRequestedV1,
} from './privacy.events';
import { TagCategoriesChangedV1 } from './preferences.events';
import { SmsOptOutReceivedV1 } from './outreach.events';
import {
  ConsentRequesterResolvedV1,
  ConsentRequesterSealKeyV1,
  ConsentSubjectLookupAnsweredV1,
  PrivacyRequesterChallengedV1,
  PrivacyRequesterSealKeyWantedV1,
  PrivacySubjectLookupRequestedV1,
} from './requester.events';
import { WechatSendResultV1 } from './wechat.events';
import { PrivacyProcessorGrantEndedV1, PrivacyProcessorGrantIssuedV1 } from './processor-grants';

type EventClass = new () => EventBase;

/** Every event type, by its `type` field. */
export const EVENT_CLASSES: Record<string, EventClass> = {
  'orders.ingested.v1': OrdersIngestedV1,
  'orders.facts-released.v1': OrdersFactsReleasedV1,
  'orders.facts-revoked.v1': OrdersFactsRevokedV1,
  'consent.granted.v1': ConsentGrantedV1,
  'consent.withdrawn.v1': ConsentWithdrawnV1,
  'consent.watermark.v1': ConsentWatermarkV1,
  'audience.segment-materialized.v1': SegmentMaterializedV1,
  'audience.segment-version-changed.v1': SegmentVersionChangedV1,
  'privacy.access-requested.v1': PrivacyAccessRequestedV1,
  'privacy.erasure-requested.v1': PrivacyErasureRequestedV1,
  'privacy.request-answered.v1': PrivacyRequestAnsweredV1,
  'privacy.withdraw-all-requested.v1': PrivacyWithdrawAllRequestedV1,
  'privacy.correction-requested.v1': PrivacyCorrectionRequestedV1,
  'privacy.individuals-count-requested.v1': PrivacyIndividualsCountRequestedV1,
  'privacy.individuals-counted.v1': PrivacyIndividualsCountedV1,
  'consent.tag-categories-changed.v1': TagCategoriesChangedV1,
  'outreach.sms-opt-out-received.v1': SmsOptOutReceivedV1,
  'consent.requester-seal-key.v1': ConsentRequesterSealKeyV1,
  'privacy.requester-challenged.v1': PrivacyRequesterChallengedV1,
  'consent.requester-resolved.v1': ConsentRequesterResolvedV1,
  'privacy.requester-seal-key-wanted.v1': PrivacyRequesterSealKeyWantedV1,
  'privacy.subject-lookup-requested.v1': PrivacySubjectLookupRequestedV1,
  'consent.subject-lookup-answered.v1': ConsentSubjectLookupAnsweredV1,
  'consent.wechat-send-result.v1': WechatSendResultV1,
  'privacy.processor-grant-issued.v1': PrivacyProcessorGrantIssuedV1,
  'privacy.processor-grant-ended.v1': PrivacyProcessorGrantEndedV1,
};

export class EventValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid event: ${problems.join('; ')}`);
  }
}

/** Parses and validates a raw event; throws EventValidationError naming each bad field. */
export function parseEvent(raw: unknown): EventBase {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new EventValidationError(['payload is not a JSON object']);
  const type = (raw as { type?: unknown }).type;
  const cls = typeof type === 'string' ? EVENT_CLASSES[type] : undefined;
  if (!cls) throw new EventValidationError([`type: unknown event type ${JSON.stringify(type)}`]);
  const instance = plainToInstance(cls, raw);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new EventValidationError(flatten(errors));
  return instance;
}

export function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}
