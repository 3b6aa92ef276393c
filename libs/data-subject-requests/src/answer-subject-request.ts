import type { EntityManager } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import {
  PrivacyAccessRequestedV1,
  PrivacyCorrectionRequestedV1,
  PrivacyErasureRequestedV1,
  TOPICS,
  type HeldDataLine,
  type PrivacyRequestAnsweredV1,
} from '@siyu/contracts';
import { addToOutbox, on, type EventHandler } from '@siyu/messaging';
import type { AnsweredKind, SubjectDataPort } from './subject-data.port';

type RequestOf<K extends AnsweredKind> = K extends 'access'
  ? PrivacyAccessRequestedV1
  : K extends 'erasure'
    ? PrivacyErasureRequestedV1
    : PrivacyCorrectionRequestedV1;

/**
 * One service's answer to one data-subject request (R14), inside the caller's transaction (the
 * inbox's): the port's effect, the audit row (when the port names fields) and the
 * privacy.request-answered.v1 event commit together or not at all. A request for another brand is
 * not this deployment's: nothing is read, written or answered.
 */
export async function answerSubjectRequest<K extends AnsweredKind>(
  tx: EntityManager,
  port: SubjectDataPort,
  kind: K,
  request: RequestOf<K>,
): Promise<void> {
  if (port.brandId !== null && request.brandId !== port.brandId) return;
  const lines = await effectOf(tx, port, kind, request);
  if (port.auditedFields)
    await appendAudit(tx, {
      actor: 'privacy-request',
      action: `data-subject-request.${kind}.answered`,
      purpose: 'data_subject_rights',
      subject: request.subjectRef,
      fields: port.auditedFields(kind, lines),
      outcome: 'allowed',
    });
  await addToOutbox<PrivacyRequestAnsweredV1>(tx, TOPICS.privacyRequestAnswered, request.subjectRef, {
    type: 'privacy.request-answered.v1',
    requestId: request.requestId,
    subjectRef: request.subjectRef,
    service: port.service,
    kind,
    lines,
  });
}

function effectOf(
  tx: EntityManager,
  port: SubjectDataPort,
  kind: AnsweredKind,
  request: PrivacyAccessRequestedV1 | PrivacyErasureRequestedV1 | PrivacyCorrectionRequestedV1,
): Promise<HeldDataLine[]> {
  switch (kind) {
    case 'access':
      return port.access(tx, request as PrivacyAccessRequestedV1);
    case 'erasure':
      return port.erase(tx, request as PrivacyErasureRequestedV1);
    case 'correct':
      if (!port.correct) throw new Error(`${port.service} answers no correction requests`);
      return port.correct(tx, request as PrivacyCorrectionRequestedV1);
  }
}

/** An audit row that names the categories the answer lists (consent's and outreach's answers). */
export function auditLineCategories(_kind: AnsweredKind, lines: HeldDataLine[]): string[] {
  return lines.map((l) => l.category);
}

/** The request topics a port answers: access and erasure always, correction when it corrects. */
export function subjectRequestTopics(port: SubjectDataPort): string[] {
  return [
    TOPICS.privacyAccessRequested,
    TOPICS.privacyErasureRequested,
    ...(port.correct ? [TOPICS.privacyCorrectionRequested] : []),
  ];
}

/** The inbox handlers that answer a port's requests, typed by their contract classes. */
export function subjectRequestHandlers(port: SubjectDataPort): EventHandler[] {
  return [
    on(PrivacyAccessRequestedV1, (tx, e) => answerSubjectRequest(tx, port, 'access', e)),
    on(PrivacyErasureRequestedV1, (tx, e) => answerSubjectRequest(tx, port, 'erasure', e)),
    ...(port.correct
      ? [on(PrivacyCorrectionRequestedV1, (tx, e) => answerSubjectRequest(tx, port, 'correct', e))]
      : []),
  ];
}
