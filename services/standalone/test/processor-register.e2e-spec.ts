import { CHANNELS } from '@siyu/contracts';
import { PlatformChannels } from '../../outreach/src/channels/platform-channels';
import { SmsChannels } from '../../outreach/src/channels/sms-channels';
import { OutreachHarness } from '../../outreach/test/outreach-harness';
import { PROCESSORS } from '../../privacy/src/processors/processor-register';

// Every vendor outreach can be configured for, with placeholder credentials: nothing is called.
const EVERY_VENDOR = {
  ALIYUN_SMS_ACCESS_KEY_ID: 'id',
  ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
  TENCENT_SMS_SECRET_ID: 'id',
  TENCENT_SMS_SECRET_KEY: 'key',
  TENCENT_SMS_SDK_APP_ID: 'app',
  WECOM_CORP_ID: 'corp',
  WECOM_SECRET: 'secret',
  WECOM_TOKEN: 'token',
  WECOM_AES_KEY: 'a'.repeat(43),
  WECHAT_APP_ID: 'app',
  WECHAT_APP_SECRET: 'secret',
};

describe('every channel outreach can send through has an entry in the processor register (R15)', () => {
  const outreach = new OutreachHarness();
  beforeAll(() => outreach.start({ env: { ...outreach.secrets, ...EVERY_VENDOR }, runner: { pollMs: 0 } }));
  afterAll(() => outreach.stop());

  /** The vendors the running outreach module built, named as the register names them. */
  function configuredVendors(): string[] {
    const sms = outreach.app
      .get(SmsChannels)
      .vendors()
      .filter((v) => v !== 'sandbox') // in-process test channel: no third party
      .map((v) => `sms:${v}`);
    const platforms = Object.entries(outreach.app.get(PlatformChannels))
      .filter(([, channel]) => channel !== undefined)
      .map(([name]) => `platform:${name}`);
    return [...sms, ...platforms];
  }

  it('finds a register entry for every SMS vendor and platform channel the code configures', () => {
    const vendors = configuredVendors();
    expect(vendors.sort()).toEqual(['platform:wechat', 'platform:wecom', 'sms:aliyun', 'sms:tencent']);
    const declared = PROCESSORS.filter((p) => p.usedBy.includes('outreach')).flatMap((p) => p.codeKeys);
    for (const v of vendors) expect(declared).toContain(v);
    // And no entry names a channel the code no longer has.
    expect(declared.sort()).toEqual(vendors.sort());
  });

  it('covers every marketing channel of the contracts with at least one processor', () => {
    const keys = PROCESSORS.flatMap((p) => p.codeKeys);
    for (const channel of CHANNELS)
      expect(
        keys.some((k) => k === `platform:${channel}` || (channel === 'sms' && k.startsWith('sms:'))),
      ).toBe(true);
  });
});
