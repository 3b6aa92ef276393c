import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditTrail1763900000001 } from '@siyu/audit';
import { TOPICS, type HeldDataLine } from '@siyu/contracts';
import {
  eventHandlerMap,
  InboxConsumer,
  InProcessTransport,
  MessagingTables1763900000000,
} from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase } from '@siyu/testing';
import {
  answerSubjectRequest,
  subjectRequestHandlers,
  subjectRequestTopics,
  type SubjectDataPort,
} from './index';

/** A service's port over one table of its own: what it holds on a subject, erased on request. */
class NotesPort implements SubjectDataPort {
  readonly service = 'outreach';
  reads = 0;

  constructor(
    readonly brandId: string | null,
    readonly auditedFields?: SubjectDataPort['auditedFields'],
  ) {}

  async access(tx: EntityManager, e: { subjectRef: string }): Promise<HeldDataLine[]> {
    this.reads++;
    const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM notes WHERE subject = $1', [e.subjectRef]);
    return [{ category: 'notes', records: n, status: 'held', explanation: 'notes about you' }];
  }

  async erase(tx: EntityManager, e: { subjectRef: string }): Promise<HeldDataLine[]> {
    this.reads++;
    const [{ n }] = await tx.query(
      'WITH gone AS (DELETE FROM notes WHERE subject = $1 RETURNING id) SELECT count(*)::int AS n FROM gone',
      [e.subjectRef],
    );
    return [{ category: 'notes', records: n, status: 'deleted', explanation: 'notes about you' }];
  }
}

const request = (type: string, subjectRef: string, brandId = 'acme') => ({
  eventId: randomUUID(),
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  type,
  requestId: randomUUID(),
  subjectRef,
  brandId,
});

const delivered = (event: ReturnType<typeof request>) => ({
  topic: event.type,
  key: event.subjectRef,
  value: JSON.stringify(event),
  partition: 0,
  offset: '0',
});

describe('answering a data-subject request (real PostgreSQL)', () => {
  let ds: DataSource;

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('dsr');
    ds = await openServiceDataSource({
      database: await provisionServiceDatabase(adminUrl, 'answering'),
      entities: [],
      migrations: [MessagingTables1763900000000, AuditTrail1763900000001],
    });
    await ds.query('CREATE TABLE notes (id serial PRIMARY KEY, subject uuid NOT NULL)');
  });

  afterAll(async () => {
    await ds?.destroy();
  });

  const addNotes = async (subject: string, n: number) => {
    for (let i = 0; i < n; i++) await ds.query('INSERT INTO notes (subject) VALUES ($1)', [subject]);
  };
  const answersTo = async (subject: string) =>
    (
      await ds.query(`SELECT payload FROM outbox WHERE topic = $1 AND key = $2 ORDER BY id`, [
        TOPICS.privacyRequestAnswered,
        subject,
      ])
    ).map((r: { payload: string }) => JSON.parse(r.payload));
  const auditOf = async (subject: string) =>
    ds.query('SELECT action, purpose, fields FROM audit_log WHERE subject = $1 ORDER BY seq', [subject]);

  it('answers an erasure once: a redelivered request neither erases again nor answers twice', async () => {
    const port = new NotesPort('acme');
    const inbox = new InboxConsumer(ds, new InProcessTransport(), {
      group: 'answering.data-subject-requests',
      topics: subjectRequestTopics(port),
      handlers: eventHandlerMap(subjectRequestHandlers(port)),
    });
    const subject = randomUUID();
    await addNotes(subject, 3);
    const erasure = request('privacy.erasure-requested.v1', subject);
    await inbox.handle(delivered(erasure));
    await inbox.handle(delivered(erasure));
    const answers = await answersTo(subject);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      type: 'privacy.request-answered.v1',
      requestId: erasure.requestId,
      subjectRef: subject,
      service: 'outreach',
      kind: 'erasure',
      lines: [{ category: 'notes', records: 3, status: 'deleted', explanation: 'notes about you' }],
    });
    expect(port.reads).toBe(1);
  });

  it('does not read, change or answer a request for another brand', async () => {
    const port = new NotesPort('acme', (_kind, lines) => lines.map((l) => l.category));
    const subject = randomUUID();
    await addNotes(subject, 2);
    await ds.transaction((tx) =>
      answerSubjectRequest(tx, port, 'erasure', request('privacy.erasure-requested.v1', subject, 'other')),
    );
    expect(port.reads).toBe(0);
    expect(await answersTo(subject)).toEqual([]);
    expect(await auditOf(subject)).toEqual([]);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM notes WHERE subject = $1', [subject]);
    expect(n).toBe(2);
  });

  it('answers every brand when the port belongs to none (staff accounts)', async () => {
    const port = new NotesPort(null);
    const subject = randomUUID();
    await ds.transaction((tx) =>
      answerSubjectRequest(tx, port, 'access', request('privacy.access-requested.v1', subject, 'other')),
    );
    expect(await answersTo(subject)).toHaveLength(1);
  });

  it('audits the answer with the fields the port names, and writes no audit row for a port that names none', async () => {
    const audited = new NotesPort('acme', (kind, lines) => [kind, ...lines.map((l) => l.category)]);
    const subject = randomUUID();
    await ds.transaction((tx) =>
      answerSubjectRequest(tx, audited, 'access', request('privacy.access-requested.v1', subject)),
    );
    expect(await auditOf(subject)).toEqual([
      {
        action: 'data-subject-request.access.answered',
        purpose: 'data_subject_rights',
        fields: ['access', 'notes'],
      },
    ]);

    const unaudited = new NotesPort('acme');
    const other = randomUUID();
    await ds.transaction((tx) =>
      answerSubjectRequest(tx, unaudited, 'access', request('privacy.access-requested.v1', other)),
    );
    expect(await auditOf(other)).toEqual([]);
    expect(await answersTo(other)).toHaveLength(1);
  });

  it('commits the effect, the audit row and the answer together: a transaction that fails after them keeps none', async () => {
    const port = new NotesPort('acme', (_kind, lines) => lines.map((l) => l.category));
    const subject = randomUUID();
    await addNotes(subject, 1);
    await expect(
      ds.transaction(async (tx) => {
        await answerSubjectRequest(tx, port, 'erasure', request('privacy.erasure-requested.v1', subject));
        throw new Error('the inbox row could not be written');
      }),
    ).rejects.toThrow('the inbox row could not be written');
    expect(await answersTo(subject)).toEqual([]);
    expect(await auditOf(subject)).toEqual([]);
    const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM notes WHERE subject = $1', [subject]);
    expect(n).toBe(1);
  });

  it('subscribes to correction requests only when the port corrects', () => {
    const plain = new NotesPort('acme');
    expect(subjectRequestTopics(plain)).toEqual([
      TOPICS.privacyAccessRequested,
      TOPICS.privacyErasureRequested,
    ]);
    const correcting = Object.assign(new NotesPort('acme'), { correct: async () => [] });
    expect(subjectRequestTopics(correcting)).toEqual([
      TOPICS.privacyAccessRequested,
      TOPICS.privacyErasureRequested,
      TOPICS.privacyCorrectionRequested,
    ]);
    expect(subjectRequestHandlers(correcting)).toHaveLength(3);
  });
});
