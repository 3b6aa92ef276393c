/** Topic names: `<service>.<event>.v<N>` (ARCHITECTURE §4). The key is always the subject/order ref. */
export const TOPICS = {
  ordersIngested: 'orders.ingested.v1',
  ordersFactsReleased: 'orders.facts-released.v1',
  ordersFactsRevoked: 'orders.facts-revoked.v1',
  consentGranted: 'consent.granted.v1',
  consentWithdrawn: 'consent.withdrawn.v1',
  segmentMaterialized: 'audience.segment-materialized.v1',
  segmentVersionChanged: 'audience.segment-version-changed.v1',
  privacyAccessRequested: 'privacy.access-requested.v1',
  privacyErasureRequested: 'privacy.erasure-requested.v1',
  privacyRequestAnswered: 'privacy.request-answered.v1',
  privacyWithdrawAllRequested: 'privacy.withdraw-all-requested.v1',
  privacyCorrectionRequested: 'privacy.correction-requested.v1',
  privacyIndividualsCountRequested: 'privacy.individuals-count-requested.v1',
  privacyIndividualsCounted: 'privacy.individuals-counted.v1',
  tagCategoriesChanged: 'consent.tag-categories-changed.v1',
  smsOptOutReceived: 'outreach.sms-opt-out-received.v1',
  consentRequesterSealKey: 'consent.requester-seal-key.v1',
  privacyRequesterChallenged: 'privacy.requester-challenged.v1',
  consentRequesterResolved: 'consent.requester-resolved.v1',
  privacyRequesterSealKeyWanted: 'privacy.requester-seal-key-wanted.v1',
  privacySubjectLookupRequested: 'privacy.subject-lookup-requested.v1',
  consentSubjectLookupAnswered: 'consent.subject-lookup-answered.v1',
  consentWechatSendResult: 'consent.wechat-send-result.v1',
  privacyProcessorGrantIssued: 'privacy.processor-grant-issued.v1',
  privacyProcessorGrantEnded: 'privacy.processor-grant-ended.v1',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Dead-letter topic of one consumer group. */
export function deadLetterTopic(group: string): string {
  return `dlq.${group}`;
}
