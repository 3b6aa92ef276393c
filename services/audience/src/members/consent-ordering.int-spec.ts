import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@siyu/contracts';
import { InboxConsumer, InProcessTransport } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase } from '@siyu/testing';
import { AUDIENCE_MIGRATIONS } from '../audience.migrations';
import { ConsentEventsConsumer } from './consent-events.consumer';
import { MemberRepository } from './member.repository';

const grant = (subjectRef: string, ledgerSeq: number) => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  type: 'consent.granted.v1',
  subjectRef,
  brandId: 'demo',
  purposes: ['marketing_messages'],
  channels: ['sms'],
  contactPoints: [],
  noticeVersionHash: 'a'.repeat(64),
  door: 'parcel_qr',
  evidenceRef: randomUUID(),
  link: { orderRef: randomUUID() },
  ledgerSeq,
  effectiveAt: new Date().toISOString(),
});

const withdrawal = (subjectRef: string, ledgerSeq: number) => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  type: 'consent.withdrawn.v1',
  subjectRef,
  brandId: 'demo',
  purposes: ['marketing_messages'],
  channels: ['sms'],
  source: 'sms_reply',
  ledgerSeq,
  effectiveAt: new Date().toISOString(),
});

describe('audience applies grant and withdrawal in ledger order', () => {
  let ds: DataSource;
  const transport = new InProcessTransport();

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('audorder');
    ds = await openServiceDataSource({
      database: await provisionServiceDatabase(adminUrl, 'audience'),
      entities: [],
      migrations: AUDIENCE_MIGRATIONS,
    });
  });
  afterAll(() => ds?.destroy());

  const consumer = () =>
    new InboxConsumer(ds, transport, {
      group: 'audience',
      topics: [TOPICS.consentGranted, TOPICS.consentWithdrawn],
      handlers: new ConsentEventsConsumer(new MemberRepository()).handlers,
    });
  const deliver = (c: InboxConsumer, topic: string, e: object, offset = 0) =>
    c.handle({
      topic,
      key: (e as { subjectRef: string }).subjectRef,
      value: JSON.stringify(e),
      partition: 0,
      offset: String(offset),
    });
  const isMember = async (s: string) =>
    (await ds.query('SELECT 1 FROM members WHERE subject_ref = $1', [s])).length === 1;

  it('grant then withdrawal: the member exists, then is removed', async () => {
    const s = randomUUID();
    const c = consumer();
    await deliver(c, TOPICS.consentGranted, grant(s, 1));
    expect(await isMember(s)).toBe(true);
    await deliver(c, TOPICS.consentWithdrawn, withdrawal(s, 2));
    expect(await isMember(s)).toBe(false);
  });

  it('a withdrawal that overtakes its grant (two topics, two partitions) still wins', async () => {
    const s = randomUUID();
    const c = consumer();
    await deliver(c, TOPICS.consentWithdrawn, withdrawal(s, 2));
    await deliver(c, TOPICS.consentGranted, grant(s, 1));
    expect(await isMember(s)).toBe(false);
  });

  it('after a consumer restart, a redelivered old grant does not resurrect a withdrawn member', async () => {
    const s = randomUUID();
    const g = grant(s, 1);
    await deliver(consumer(), TOPICS.consentGranted, g);
    await deliver(consumer(), TOPICS.consentWithdrawn, withdrawal(s, 2));
    // "Restart": a fresh consumer instance receives the grant again (uncommitted offset).
    await deliver(consumer(), TOPICS.consentGranted, g, 1);
    expect(await isMember(s)).toBe(false);
  });

  it('a new consent after a withdrawal admits the member again', async () => {
    const s = randomUUID();
    const c = consumer();
    await deliver(c, TOPICS.consentGranted, grant(s, 1));
    await deliver(c, TOPICS.consentWithdrawn, withdrawal(s, 2));
    await deliver(c, TOPICS.consentGranted, grant(s, 3));
    expect(await isMember(s)).toBe(true);
  });
});
