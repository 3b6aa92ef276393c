import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { readAudit } from '@siyu/audit';
import { adminQuery, FakeWecomServer, waitFor } from '@siyu/testing';
import { OutreachHarness } from '../../test/outreach-harness';

const ADD = '/cgi-bin/externalcontact/add_msg_template';

describe('WeCom sends in doubt: a task creation without an answer is reconciled from WeCom, never created twice (issue 17 §3, §4)', () => {
  const h = new OutreachHarness();
  let wecom: FakeWecomServer;

  beforeAll(async () => {
    wecom = await FakeWecomServer.start({
      corpId: 'ww00000000fake0003',
      secret: 'fake-wecom-contact-secret-3',
      token: 'fakeCallbackToken3',
      encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    });
    Object.assign(h.secrets as Record<string, string>, {
      WECOM_CORP_ID: 'ww00000000fake0003',
      WECOM_SECRET: 'fake-wecom-contact-secret-3',
      WECOM_TOKEN: 'fakeCallbackToken3',
      WECOM_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      WECOM_API_BASE_URL: wecom.baseUrl,
    });
    // A task WeCom does not list right after the call was never created (the fake lists at once).
    await h.start({ reconcile: { wecomNotFoundAfterMs: 0 } });
    h.startHeartbeat();
  });

  afterAll(async () => {
    await h.stop();
    await wecom.close();
  });

  async function wecomRun(refs: string[], text: string): Promise<string> {
    const segment = randomUUID();
    await h.materialize(segment, 1, refs, 'wecom');
    const res = await request(h.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await h.marketer())
      .send({
        name: 'wecom member day',
        segmentId: segment,
        purpose: 'marketing_messages',
        channel: 'wecom',
        variants: [{ name: 'A', variables: {} }],
        schedule: { kind: 'now' },
        quietHours: { start: '00:00', end: '24:00' },
        wecom: { text },
      });
    expect(res.status).toBe(201);
    return h.startRun(res.body.id);
  }

  const sendOf = async (runId: string) =>
    (
      await adminQuery<{ state: string; vendor_message_id: string | null; batch_id: string | null }>(
        h.adminUrl,
        'SELECT state, vendor_message_id, batch_id FROM outreach.sends WHERE run_id = $1',
        [runId],
      )
    )[0];

  it('finds the task a timed-out add_msg_template created, records its msgid, and reports it delivered once the staff member confirms', async () => {
    const member = randomUUID();
    wecom.addContact('wmDoubtA', 'wangwu');
    await h.grantOn(member, 'wecom', JSON.stringify({ externalUserId: 'wmDoubtA', staffUserId: 'wangwu' }));
    // WeCom creates the task but its answer never arrives: the call times out (no answer).
    wecom.hangNext(ADD);
    const runId = await wecomRun([member], '广告 双十二会员价 退订点此 ${unsubscribe_link}');

    await waitFor(
      async () => (await sendOf(runId))?.state === 'submitted',
      'reconciled as submitted',
      30_000,
    );
    const mine = wecom.tasks.filter((t) => t.externalUserIds.includes('wmDoubtA'));
    expect(mine).toHaveLength(1); // found, never created a second time
    expect(await sendOf(runId)).toMatchObject({ vendor_message_id: mine[0].msgid, batch_id: 'wangwu' });
    expect(wecom.calls.some((c) => c.path === '/cgi-bin/externalcontact/get_groupmsg_list_v2')).toBe(true);

    wecom.confirm(mine[0].msgid);
    await waitFor(async () => (await sendOf(runId))?.state === 'delivered', 'WeCom result pulled', 30_000);
    expect(await h.waitForRun(runId, 'done')).toMatchObject({ results: { delivered: 1, reconciling: 0 } });
    expect(wecom.tasks.filter((t) => t.externalUserIds.includes('wmDoubtA'))).toHaveLength(1);
    // R16: opening the contact point to ask WeCom about it is audited with actor and purpose.
    expect((await readAudit(h.ds.manager, member)).map((a) => [a.action, a.actor, a.purpose])).toEqual(
      expect.arrayContaining([
        ['decrypt_contact_for_reconcile', 'outreach:reconcile', 'delivery_reconciliation'],
      ]),
    );
  });

  it('sends again, through the gate, a WeCom message whose task WeCom never created — exactly once', async () => {
    const member = randomUUID();
    wecom.addContact('wmDoubtB', 'wangwu');
    await h.grantOn(member, 'wecom', JSON.stringify({ externalUserId: 'wmDoubtB', staffUserId: 'wangwu' }));
    // The request is lost on the way: no answer, and WeCom has no task.
    wecom.loseNext(ADD);
    const runId = await wecomRun([member], '广告 年货节满减 退订点此 ${unsubscribe_link}');

    await h.waitForRun(runId, 'done', 30_000);
    const mine = wecom.tasks.filter((t) => t.externalUserIds.includes('wmDoubtB'));
    expect(mine).toHaveLength(1);
    expect(await sendOf(runId)).toMatchObject({ state: 'submitted', vendor_message_id: mine[0].msgid });
    expect(
      wecom.calls.filter((c) => c.path === ADD && c.body.external_userid[0] === 'wmDoubtB'),
    ).toHaveLength(2);
  });

  it('never resends a WeCom send in doubt whose member withdrew meanwhile: settled as failed, not created again', async () => {
    const member = randomUUID();
    wecom.addContact('wmDoubtC', 'wangwu');
    await h.grantOn(member, 'wecom', JSON.stringify({ externalUserId: 'wmDoubtC', staffUserId: 'wangwu' }));
    wecom.loseNext(ADD);
    const runId = await wecomRun([member], '广告 春季上新 退订点此 ${unsubscribe_link}');
    await waitFor(
      async () => wecom.calls.some((c) => c.path === ADD && c.body.external_userid[0] === 'wmDoubtC'),
      'first call',
    );
    // The withdrawal lands while the call waits for an answer that never comes (5 s timeout).
    await h.withdraw(member, 'unsubscribe_link', 'wecom');
    await h.waitForRun(runId, 'done', 30_000);
    // Either the contact point was gone when reconciling (failed, never asked again) or the send went
    // back through the gate, which refused it: never a task.
    expect(['failed', 'blocked']).toContain((await sendOf(runId)).state);
    expect(wecom.tasks.filter((t) => t.externalUserIds.includes('wmDoubtC'))).toHaveLength(0);
  });
});
