import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS, type HeldDataLine } from '@siyu/contracts';
import { InProcessTransport } from '@siyu/messaging';
import { adminQuery, bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { IdentityModule } from '../identity.module';

interface Answer {
  requestId: string;
  subjectRef: string;
  service: string;
  kind: string;
  lines: HeldDataLine[];
}

describe('identity answers data-subject requests (R14): staff accounts only', () => {
  const keys = testAuthKeys();
  const transport = new InProcessTransport();
  const answers: Answer[] = [];
  let adminUrl: string;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    adminUrl = await createTestDatabase('iddsr');
    await transport.ensureTopics([TOPICS.privacyRequestAnswered]);
    await transport.subscribe('test.privacy', [TOPICS.privacyRequestAnswered], async (m) => {
      answers.push(JSON.parse(m.value) as Answer);
    });
    const ref = await Test.createTestingModule({
      imports: [IdentityModule.register({ adminDatabaseUrl: adminUrl, authKeys: keys, transport })],
    }).compile();
    app = ref.createNestApplication({ logger: false });
    installHttpEdge(app, keys);
    await app.init();
  });
  afterAll(async () => app?.close());

  async function ask(kind: 'access' | 'erasure', subjectRef: string): Promise<Answer> {
    const requestId = randomUUID();
    const event = {
      eventId: randomUUID(),
      type: `privacy.${kind}-requested.v1`,
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      requestId,
      subjectRef,
      brandId: 'demo',
    };
    const topic = kind === 'access' ? TOPICS.privacyAccessRequested : TOPICS.privacyErasureRequested;
    await transport.publish([{ topic, key: subjectRef, value: JSON.stringify(event) }]);
    return (await waitFor(async () => answers.find((a) => a.requestId === requestId), 'the answer'))!;
  }

  async function createStaff(password: string) {
    const username = `ops-${randomBytes(4).toString('hex')}`;
    const res = await http()
      .post('/api/v1/identity/accounts')
      .set('Authorization', await bearer(keys, 'admin'))
      .send({ username, role: 'ops', password })
      .expect(201);
    return { id: res.body.id as string, username };
  }

  it('says it holds nothing about a customer', async () => {
    const answer = await ask('access', randomUUID());
    expect(answer).toMatchObject({ service: 'identity', kind: 'access' });
    expect(answer.lines.every((l) => l.records === 0)).toBe(true);
    expect(answer.lines[0].explanation).toBe('identity holds staff accounts only; none is yours');
  });

  it("names a staff member's account when the subject is staff, without the username", async () => {
    const staff = await createStaff('a long enough password');
    const answer = await ask('access', staff.id);
    expect(answer.lines.find((l) => l.category === 'staff_account')).toMatchObject({
      records: 1,
      status: 'held',
    });
    expect(JSON.stringify(answer)).not.toContain(staff.username);
  });

  it('on erasure disables the staff account and removes its username and password, keeping the id for the audit trails', async () => {
    const staff = await createStaff('another long password');
    const answer = await ask('erasure', staff.id);
    expect(answer.lines[0]).toMatchObject({ category: 'staff_account', status: 'kept_as_proof', records: 1 });
    const [row] = await adminQuery<{ username: string; disabled: boolean }>(
      adminUrl,
      'SELECT username, disabled FROM identity.staff_accounts WHERE id = $1',
      [staff.id],
    );
    expect(row.disabled).toBe(true);
    expect(row.username).toBe(`erased-${staff.id.replace(/-/g, '')}`);
    await http()
      .post('/api/v1/identity/login')
      .send({ username: staff.username, password: 'another long password' })
      .expect(401);
  });
});
