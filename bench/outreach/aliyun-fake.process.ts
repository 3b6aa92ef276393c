/**
 * The fake Aliyun SMS server in a process of its own, as the real vendor is remote: the bench's
 * dispatcher does not share its event loop with the vendor's signature checks. Driven over IPC by
 * fanout.bench.ts: `count`, `clear`, `rows` (phone and receive time of every message), `close`.
 */
import { FakeAliyunSmsServer } from '../../libs/testing/src/fake-vendors/aliyun-sms-server';

type Ask = { id: number; type: 'count' | 'clear' | 'rows' | 'close' };

async function main(): Promise<void> {
  const fake = await FakeAliyunSmsServer.start({ accessKeyId: 'bench-key', accessKeySecret: 'bench-secret' });
  fake.addTemplate({
    templateCode: 'SMS_BENCH',
    templateName: 'bench',
    content: '广告 冬季会员价${offer_code} 退订${unsubscribe_link} 回T退订',
    type: 2,
  });
  process.on('message', (ask: Ask) => {
    const answer = (value: unknown) => process.send!({ id: ask.id, value });
    if (ask.type === 'count') answer(fake.messages.length);
    if (ask.type === 'clear') answer(fake.messages.splice(0).length);
    if (ask.type === 'rows') answer(fake.messages.map((m) => [m.phone, m.sentAt.getTime()]));
    if (ask.type === 'close')
      void fake.close().then(() => process.send!({ id: ask.id, value: true }, () => process.exit(0)));
  });
  process.send!({ id: 0, value: fake.endpoint });
}

void main();
