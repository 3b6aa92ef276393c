/**
 * How fast the official SMS SDKs push messages into the fake vendors on this machine — the ceiling
 * under outreach's fan-out benchmark (ISSUE 17 §6: ≥ 2,000 msg/s through the gate to the fake Aliyun).
 * Not a test: it prints its figures. Same run, same fake, one vendor call at a time vs four in flight.
 *
 *   npm run build && node dist/bench/sms-vendor-fakes.bench.js [messages]
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { FakeAliyunSmsServer, FakeTencentSmsServer } from '../libs/testing/src/fake-vendors';
import { AliyunSmsChannel } from '../services/outreach/src/channels/aliyun-sms.channel';
import type { OutboundSms, SmsVendorChannel } from '../services/outreach/src/channels/sms-vendor.channel';
import { TencentSmsChannel } from '../services/outreach/src/channels/tencent-sms.channel';
import {
  readAliyunSmsCredentials,
  readTencentSmsCredentials,
} from '../services/outreach/src/channels/vendor-credentials';

const N = Number(process.argv[2] ?? 20_000);

function messages(n: number, params: Record<string, string>): OutboundSms[] {
  return Array.from({ length: n }, (_, i) => ({
    sendId: randomUUID(),
    phone: `13${String(100_000_000 + i).slice(-9)}`,
    params,
  }));
}

async function run(
  ch: SmsVendorChannel,
  template: { signName: string; templateCode: string },
  msgs: OutboundSms[],
  inFlight: number,
) {
  const calls: OutboundSms[][] = [];
  for (let i = 0; i < msgs.length; i += ch.maxBatch) calls.push(msgs.slice(i, i + ch.maxBatch));
  const started = performance.now();
  let next = 0;
  let submitted = 0;
  const failures = new Map<string, number>();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls.length) {
        const batch = calls[next++];
        const outcomes = await ch.submit(template, batch);
        submitted += outcomes.filter((o) => o.status === 'submitted').length;
        for (const o of outcomes)
          if (o.status !== 'submitted') {
            const code = 'errorCode' in o ? o.errorCode : o.status;
            failures.set(code, (failures.get(code) ?? 0) + 1);
          }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  if (submitted !== msgs.length) {
    throw new Error(`only ${submitted} of ${msgs.length} submitted: ${JSON.stringify([...failures])}`);
  }
  return Math.round(msgs.length / seconds);
}

async function main() {
  const aliyun = await FakeAliyunSmsServer.start({
    accessKeyId: 'bench',
    accessKeySecret: 'bench-secret',
    templates: [
      { templateCode: 'SMS_1', templateName: 'bench', content: '会员专享${offer} 拒收请回复R', type: 2 },
    ],
  });
  const tencent = await FakeTencentSmsServer.start({
    secretId: 'bench',
    secretKey: 'bench-secret',
    sdkAppId: '1400000000',
    templates: [{ templateId: 1, name: 'bench', content: '会员专享{1} 拒收请回复R' }],
  });
  const ali = new AliyunSmsChannel(
    readAliyunSmsCredentials({
      ALIYUN_SMS_ACCESS_KEY_ID: 'bench',
      ALIYUN_SMS_ACCESS_KEY_SECRET: 'bench-secret',
      ALIYUN_SMS_ENDPOINT: `http://${aliyun.endpoint}`,
    })!,
  );
  const ten = new TencentSmsChannel(
    readTencentSmsCredentials({
      TENCENT_SMS_SECRET_ID: 'bench',
      TENCENT_SMS_SECRET_KEY: 'bench-secret',
      TENCENT_SMS_SDK_APP_ID: '1400000000',
      TENCENT_SMS_ENDPOINT: `http://${tencent.endpoint}`,
    })!,
  );
  const rows: string[] = [];
  for (const inFlight of [1, 4]) {
    const a = await run(
      ali,
      { signName: '示例', templateCode: 'SMS_1' },
      messages(N, { offer: '满200减30' }),
      inFlight,
    );
    const t = await run(
      ten,
      { signName: '示例', templateCode: '1' },
      messages(N, { '1': '满200减30' }),
      inFlight,
    );
    rows.push(
      `  ${inFlight} call(s) in flight: Aliyun ${a.toLocaleString('en')} msg/s (100/call), Tencent ${t.toLocaleString('en')} msg/s (200/call)`,
    );
  }
  console.log(
    `SMS SDKs → fake vendors, ${N.toLocaleString('en')} messages each (signature verified per call):`,
  );
  for (const r of rows) console.log(r);
  await aliyun.close();
  await tencent.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
