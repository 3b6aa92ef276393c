import { inspect } from 'node:util';
import {
  readAliyunSmsCredentials,
  readTencentSmsCredentials,
  readWecomCredentials,
  VendorSecret,
} from './vendor-credentials';

describe('vendor credentials from the environment', () => {
  it('leaves a vendor unconfigured when none of its variables is set', () => {
    expect(readAliyunSmsCredentials({})).toBeUndefined();
    expect(readTencentSmsCredentials({})).toBeUndefined();
    expect(readWecomCredentials({})).toBeUndefined();
  });

  it('names the missing variable when a vendor is partly configured', () => {
    expect(() => readAliyunSmsCredentials({ ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5t' })).toThrow(
      'Aliyun SMS is partly configured: ALIYUN_SMS_ACCESS_KEY_SECRET missing',
    );
    expect(() =>
      readTencentSmsCredentials({ TENCENT_SMS_SECRET_ID: 'AKID', TENCENT_SMS_SECRET_KEY: 'k' }),
    ).toThrow('TENCENT_SMS_SDK_APP_ID missing');
  });

  it('refuses an endpoint that is not a base URL, and a WeCom AES key that is not 43 characters', () => {
    expect(() =>
      readAliyunSmsCredentials({
        ALIYUN_SMS_ACCESS_KEY_ID: 'a',
        ALIYUN_SMS_ACCESS_KEY_SECRET: 'b',
        ALIYUN_SMS_ENDPOINT: 'dysmsapi.aliyuncs.com/x',
      }),
    ).toThrow('ALIYUN_SMS_ENDPOINT must be a base URL');
    expect(() =>
      readWecomCredentials({
        WECOM_CORP_ID: 'ww1',
        WECOM_SECRET: 's',
        WECOM_TOKEN: 't',
        WECOM_AES_KEY: 'short',
      }),
    ).toThrow('WECOM_AES_KEY must be the 43-character EncodingAESKey');
  });

  it('defaults to the vendors’ public endpoints over https', () => {
    const c = readTencentSmsCredentials({
      TENCENT_SMS_SECRET_ID: 'AKID',
      TENCENT_SMS_SECRET_KEY: 'k',
      TENCENT_SMS_SDK_APP_ID: '1400000000',
    })!;
    expect(c.endpoint).toEqual({ protocol: 'https', host: 'sms.tencentcloudapi.com' });
    expect(c.region).toBe('ap-guangzhou');
  });

  it('never prints a secret: console, inspect, JSON and interpolation all show [redacted]', () => {
    const c = readAliyunSmsCredentials({
      ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5t',
      ALIYUN_SMS_ACCESS_KEY_SECRET: 'top-secret-value',
    })!;
    expect(inspect(c)).not.toContain('top-secret-value');
    expect(JSON.stringify(c)).not.toContain('top-secret-value');
    expect(`${c.accessKeySecret}`).toBe('[redacted]');
    expect(c.accessKeySecret).toBeInstanceOf(VendorSecret);
    expect(c.accessKeySecret.reveal()).toBe('top-secret-value');
  });
});
