import type { EntityManager } from 'typeorm';
import { PrivacyAccessRequestedV1, PrivacyErasureRequestedV1, parseEvent } from '@siyu/contracts';
import { eventHandlerMap, on } from './event-handlers';
import type { DeliveredMessage } from './transport';

const tx = {} as EntityManager;
const message = {} as DeliveredMessage;

function accessRequested(): PrivacyAccessRequestedV1 {
  const probe = new PrivacyAccessRequestedV1();
  return parseEvent({
    eventId: '6f1c1a52-3f5e-4a57-9a0e-0d1f6c0b9f11',
    type: probe.type,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    requestId: '0b7f3f8e-8f3a-4a0b-9d57-7f0a1f7e2b33',
    subjectRef: '3c9a8e33-2f1d-4d6b-8b0a-5e1f2a3b4c5d',
    brandId: 'demo',
  }) as PrivacyAccessRequestedV1;
}

describe('typed event handler map', () => {
  it('keys each handler by its contract class and hands it the validated instance', async () => {
    const seen: string[] = [];
    const map = eventHandlerMap([
      on(PrivacyAccessRequestedV1, async (_tx, e) => void seen.push(`access ${e.requestId}`)),
      on(PrivacyErasureRequestedV1, async (_tx, e) => void seen.push(`erasure ${e.requestId}`)),
    ]);
    expect(Object.keys(map).sort()).toEqual(['privacy.access-requested.v1', 'privacy.erasure-requested.v1']);
    const event = accessRequested();
    await map['privacy.access-requested.v1'](tx, event, message);
    expect(seen).toEqual([`access ${event.requestId}`]);
  });

  it('refuses two handlers for one event type', () => {
    expect(() =>
      eventHandlerMap([
        on(PrivacyAccessRequestedV1, async () => {}),
        on(PrivacyAccessRequestedV1, async () => {}),
      ]),
    ).toThrow(/two handlers for privacy.access-requested.v1/);
  });

  it('fails loudly when a handler is wired to an event of another class', async () => {
    const map = eventHandlerMap([on(PrivacyErasureRequestedV1, async () => {})]);
    await expect(map['privacy.erasure-requested.v1'](tx, accessRequested(), message)).rejects.toThrow(
      /expects PrivacyErasureRequestedV1/,
    );
  });
});
