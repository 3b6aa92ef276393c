import { randomUUID } from 'node:crypto';
import { captureOutput, FakeWecomServer } from '@siyu/testing';
import { readWecomCredentials } from './vendor-credentials';
import { WecomChannel, wecomMonth, type WecomChannelOptions, type WecomRecipient } from './wecom.channel';

const CORP_ID = 'ww00000000fake0001';
const SECRET = 'fake-wecom-contact-secret';
const TOKEN = 'fakeCallbackToken';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const ADD = '/cgi-bin/externalcontact/add_msg_template';
const RESULT = '/cgi-bin/externalcontact/get_groupmsg_send_result';

let fake: FakeWecomServer;

beforeEach(async () => {
  fake = await FakeWecomServer.start({
    corpId: CORP_ID,
    secret: SECRET,
    token: TOKEN,
    encodingAesKey: AES_KEY,
  });
});
afterEach(async () => {
  await fake.close();
});

function channel(options: WecomChannelOptions = {}, secret = SECRET): WecomChannel {
  const creds = readWecomCredentials({
    WECOM_CORP_ID: CORP_ID,
    WECOM_SECRET: secret,
    WECOM_TOKEN: TOKEN,
    WECOM_AES_KEY: AES_KEY,
    WECOM_API_BASE_URL: fake.baseUrl,
  })!;
  return new WecomChannel(creds, { backoffMs: 10, timeoutMs: 300, ...options });
}

function customersOf(staff: string, n: number): WecomRecipient[] {
  return Array.from({ length: n }, () => {
    const externalUserId = `wm${randomUUID().replace(/-/g, '')}`;
    fake.addContact(externalUserId, staff);
    return { sendId: randomUUID(), externalUserId };
  });
}

const TEXT = '【示例品牌】会员日满200减30，详情 https://s.example.cn/u/abc 回T退订';

describe('WecomChannel against the fake WeCom', () => {
  it('creates a task for the owning staff member; nothing is sent until they confirm; then results per customer', async () => {
    const recipients = customersOf('zhangsan', 3);
    const [task] = await channel().createTasks({ sender: 'zhangsan', recipients, text: TEXT });
    expect(task).toEqual(expect.objectContaining({ status: 'created', sender: 'zhangsan', notContacts: [] }));
    const msgid = task.status === 'created' ? task.msgid : '';

    const before = await channel().results([{ msgid, sender: 'zhangsan' }]);
    expect(before.map((r) => r.status)).toEqual(['awaiting_staff', 'awaiting_staff', 'awaiting_staff']);

    fake.confirm(msgid);
    const after = await channel().results([{ msgid, sender: 'zhangsan' }]);
    expect(after.map((r) => [r.externalUserId, r.status])).toEqual(
      recipients.map((r) => [r.externalUserId, 'sent']),
    );
    expect(after[0].sentAt).toBeInstanceOf(Date);
    expect(fake.tasks[0].text).toBe(TEXT);
  });

  it('reports customers who are not the staff member’s contact (fail_list) by send id', async () => {
    const mine = customersOf('zhangsan', 2);
    const others = customersOf('lisi', 1);
    const [task] = await channel().createTasks({
      sender: 'zhangsan',
      recipients: [...mine, ...others],
      text: TEXT,
    });
    expect(task.status === 'created' && task.notContacts).toEqual([others[0].sendId]);
  });

  it('records per customer that WeCom refused one who already got 4 messages this natural month', async () => {
    const recipients = customersOf('zhangsan', 2);
    fake.receivedThisMonth.set(recipients[1].externalUserId, 4);
    const [task] = await channel().createTasks({ sender: 'zhangsan', recipients, text: TEXT });
    const msgid = task.status === 'created' ? task.msgid : '';
    fake.confirm(msgid);

    const results = await channel().results([{ msgid, sender: 'zhangsan' }]);
    expect(results.map((r) => [r.status, r.errorCode])).toEqual([
      ['sent', undefined],
      ['monthly_limit', 'WECOM_MONTHLY_LIMIT'],
    ]);
    expect(wecomMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
  });

  it('keeps results for every msgid of a campaign, not only the last', async () => {
    const a = customersOf('zhangsan', 1);
    const b = customersOf('lisi', 2);
    const [ta] = await channel().createTasks({ sender: 'zhangsan', recipients: a, text: TEXT });
    const [tb] = await channel().createTasks({ sender: 'lisi', recipients: b, text: TEXT });
    const tasks = [ta, tb].map((t) => ({
      msgid: t.status === 'created' ? t.msgid : '',
      sender: t.status === 'created' ? t.sender : '',
    }));
    fake.confirm(tasks[0].msgid);

    const results = await channel().results(tasks);
    expect(results.map((r) => [r.msgid, r.status])).toEqual([
      [tasks[0].msgid, 'sent'],
      [tasks[1].msgid, 'awaiting_staff'],
      [tasks[1].msgid, 'awaiting_staff'],
    ]);
  });

  it('retries the transient errcodes -1 and 45009 and creates the task once', async () => {
    fake.failNext(ADD, -1);
    fake.failNext(ADD, 45009);
    const [task] = await channel().createTasks({
      sender: 'zhangsan',
      recipients: customersOf('zhangsan', 1),
      text: TEXT,
    });

    expect(task.status).toBe('created');
    expect(fake.calls.filter((c) => c.path === ADD).map((c) => c.errcode)).toEqual([-1, 45009, 0]);
    expect(fake.tasks).toHaveLength(1);
  });

  it('gives up after 3 retries of a transient errcode and reports it', async () => {
    fake.failNext(ADD, 45033, 4);
    const [task] = await channel().createTasks({
      sender: 'zhangsan',
      recipients: customersOf('zhangsan', 1),
      text: TEXT,
    });
    expect(task).toEqual(expect.objectContaining({ status: 'rejected', errcode: 45033 }));
    expect(fake.calls.filter((c) => c.path === ADD)).toHaveLength(4);
  });

  it('does not retry an errcode that is not transient', async () => {
    fake.failNext(ADD, 48002);
    const [task] = await channel().createTasks({
      sender: 'zhangsan',
      recipients: customersOf('zhangsan', 1),
      text: TEXT,
    });
    expect(task).toEqual(expect.objectContaining({ status: 'rejected', errcode: 48002 }));
    expect(fake.calls.filter((c) => c.path === ADD)).toHaveLength(1);
  });

  it('fetches a new token once when WeCom says the old one expired (42001)', async () => {
    const ch = channel();
    await ch.createTasks({ sender: 'zhangsan', recipients: customersOf('zhangsan', 1), text: TEXT });
    fake.expireTokens();
    const [task] = await ch.createTasks({
      sender: 'zhangsan',
      recipients: customersOf('zhangsan', 1),
      text: TEXT,
    });

    expect(task.status).toBe('created');
    expect(fake.calls.filter((c) => c.path === '/cgi-bin/gettoken')).toHaveLength(2);
    expect(fake.calls.filter((c) => c.path === ADD).map((c) => c.errcode)).toEqual([0, 42001, 0]);
  });

  it('answers unknown when creating a task times out, and never creates it again', async () => {
    fake.hangNext(ADD);
    const recipients = customersOf('zhangsan', 2);
    const [task] = await channel().createTasks({ sender: 'zhangsan', recipients, text: TEXT });

    expect(task).toEqual({
      status: 'unknown',
      sendIds: recipients.map((r) => r.sendId),
      errorCode: 'TIMEOUT',
    });
    expect(fake.calls.filter((c) => c.path === ADD)).toHaveLength(1);
    expect(fake.tasks).toHaveLength(1);
  });

  it('retries a results read that timed out (a read cannot send anything twice)', async () => {
    const [task] = await channel().createTasks({
      sender: 'zhangsan',
      recipients: customersOf('zhangsan', 1),
      text: TEXT,
    });
    const msgid = task.status === 'created' ? task.msgid : '';
    fake.hangNext(RESULT);
    const results = await channel().results([{ msgid, sender: 'zhangsan' }]);
    expect(results).toHaveLength(1);
    expect(fake.calls.filter((c) => c.path === RESULT)).toHaveLength(2);
  });

  it('is refused with 40001 for a wrong secret, without retrying', async () => {
    const [task] = await channel({}, 'wrong').createTasks({
      sender: 'zhangsan',
      recipients: customersOf('zhangsan', 1),
      text: TEXT,
    });
    expect(task).toEqual(expect.objectContaining({ status: 'rejected', errcode: 40001 }));
    expect(fake.calls.filter((c) => c.path === '/cgi-bin/gettoken')).toHaveLength(1);
    expect(fake.tasks).toHaveLength(0);
  });

  it('spreads its calls under WeCom’s frequency limit instead of being refused', async () => {
    await fake.close();
    fake = await FakeWecomServer.start({
      corpId: CORP_ID,
      secret: SECRET,
      token: TOKEN,
      encodingAesKey: AES_KEY,
      callsPerSecondLimit: 5,
    });
    const ch = channel({ callsPerSecond: 4 });
    const [task] = await ch.createTasks({
      sender: 'zhangsan',
      recipients: customersOf('zhangsan', 1),
      text: TEXT,
    });
    const msgid = task.status === 'created' ? task.msgid : '';
    await Promise.all(Array.from({ length: 8 }, () => ch.results([{ msgid, sender: 'zhangsan' }])));

    expect(fake.calls.filter((c) => c.errcode === 45033)).toHaveLength(0);
    expect(fake.calls.filter((c) => c.path === RESULT)).toHaveLength(8);
  });

  it('writes no external user id to any log line', async () => {
    const recipients = customersOf('zhangsan', 2);
    fake.failNext(ADD, -1);
    fake.failNext(ADD, 48002);
    const out = await captureOutput(async () => {
      await channel().createTasks({ sender: 'zhangsan', recipients, text: TEXT });
      fake.hangNext(ADD);
      await channel().createTasks({ sender: 'zhangsan', recipients, text: TEXT });
    });
    expect(out.length).toBeGreaterThan(0);
    for (const r of recipients) expect(out).not.toContain(r.externalUserId);
    expect(out).not.toContain(SECRET);
  });
});
