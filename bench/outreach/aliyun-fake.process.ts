/**
 * The fake Aliyun SMS server in a process of its own, as the real vendor is remote: the dispatcher
 * (fanout.bench.ts) or the chaos runner's traffic driver does not share its event loop with the
 * vendor's signature checks, so the vendor's receive times are not delayed by the driver's own work.
 * Options (credentials, templates) arrive in FAKE_ALIYUN_OPTIONS (JSON); asked over IPC through
 * `RemoteFakeAliyun` (remote-fake-aliyun.ts). Exits when its parent goes away.
 */
import {
  FakeAliyunSmsServer,
  type FakeAliyunSmsServerOptions,
} from '../../libs/testing/src/fake-vendors/aliyun-sms-server';
import type { FakeAliyunAsk } from './remote-fake-aliyun';

const BENCH_DEFAULTS: FakeAliyunSmsServerOptions = {
  accessKeyId: 'bench-key',
  accessKeySecret: 'bench-secret',
  templates: [
    {
      templateCode: 'SMS_BENCH',
      templateName: 'bench',
      content: '广告 冬季会员价${offer_code} 退订${unsubscribe_link} 回T退订',
      type: 2,
    },
  ],
};

async function main(): Promise<void> {
  const options = process.env.FAKE_ALIYUN_OPTIONS
    ? (JSON.parse(process.env.FAKE_ALIYUN_OPTIONS) as FakeAliyunSmsServerOptions)
    : BENCH_DEFAULTS;
  const fake = await FakeAliyunSmsServer.start(options);
  process.on('disconnect', () => process.exit(0));
  process.on('message', (ask: FakeAliyunAsk) => {
    const answer = (value: unknown) => process.send!({ id: ask.id, value });
    switch (ask.type) {
      case 'count':
        return answer(fake.messages.length);
      case 'clear':
        return answer(fake.messages.splice(0).length);
      case 'messages':
        return answer(
          fake.messages.map((m) => ({
            phone: m.phone,
            sentAt: m.sentAt.getTime(),
            arrivedAt: m.arrivedAt.getTime(),
          })),
        );
      case 'sendCalls':
        return answer(fake.calls.filter((c) => c.action === 'SendBatchSms').length);
      case 'hangNextSend':
        fake.hangNextSend({ accept: ask.accept ?? true });
        return answer(true);
      case 'close':
        return void fake
          .close()
          .then(() => process.send!({ id: ask.id, value: true }, () => process.exit(0)));
    }
  });
  process.send!({ id: 0, value: fake.endpoint });
}

void main();
