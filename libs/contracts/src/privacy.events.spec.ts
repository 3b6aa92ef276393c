import { randomUUID } from 'node:crypto';
import { EventValidationError, parseEvent } from './validate';

function answered(explanation: string, service = 'consent') {
  return {
    eventId: randomUUID(),
    type: 'privacy.request-answered.v1',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    requestId: randomUUID(),
    subjectRef: randomUUID(),
    service,
    kind: 'erasure',
    lines: [{ category: 'consent_ledger', records: 2, status: 'kept_as_proof', explanation }],
  };
}

describe('privacy.request-answered.v1', () => {
  it('accepts an answer made of categories, counts and the service own words', () => {
    expect(() => parseEvent(answered('kept as proof of consent until 2027-05-01 (R10)'))).not.toThrow();
  });

  it('refuses an explanation carrying a phone number or a platform order id', () => {
    for (const leak of ['customer 13912345678 asked', 'order 2024123456789 kept']) {
      expect(() => parseEvent(answered(leak))).toThrow(
        /explanation must not carry a run of 7 or more digits/,
      );
    }
  });

  it('refuses an answer from a service that does not exist', () => {
    expect(() => parseEvent(answered('fine', 'billing'))).toThrow(EventValidationError);
  });

  it('refuses a fan-out event that carries anything beyond the refs', () => {
    const raw = {
      eventId: randomUUID(),
      type: 'privacy.erasure-requested.v1',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      requestId: randomUUID(),
      subjectRef: randomUUID(),
      brandId: 'demo',
      phone: '13912345678',
    };
    expect(() => parseEvent(raw)).toThrow(/phone/);
  });
});
