import { randomUUID } from 'node:crypto';
import { EventValidationError, parseEvent } from './validate';

const event = (closedCategories: unknown) => ({
  eventId: randomUUID(),
  type: 'consent.tag-categories-changed.v1',
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  subjectRef: randomUUID(),
  brandId: 'demo',
  closedCategories,
  changedAt: new Date().toISOString(),
});

describe('consent.tag-categories-changed.v1', () => {
  it('carries the closed categories by id, an empty list reopening all', () => {
    expect(() => parseEvent(event(['spending_power', 'active_hours']))).not.toThrow();
    expect(() => parseEvent(event([]))).not.toThrow();
  });

  it('refuses an unknown category or an extra field (nothing else may travel with it)', () => {
    expect(() => parseEvent(event(['消费能力']))).toThrow(EventValidationError);
    expect(() => parseEvent({ ...event([]), phone: '13912345678' })).toThrow(EventValidationError);
  });
});
