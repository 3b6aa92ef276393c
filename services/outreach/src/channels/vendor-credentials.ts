import { inspect } from 'node:util';
import { ChannelError, ChannelErrorCode } from './channels.errors';

/**
 * Vendor credentials come from the environment (or the secrets file that fills it), never from the
 * database in clear, and never reach a log line: a secret prints as `[redacted]` through
 * console.log, util.inspect, JSON.stringify and string interpolation.
 */
export class VendorSecret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The only way to the value: pass it straight to the SDK or the HMAC. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** Where a vendor API lives: `https://dysmsapi.aliyuncs.com`, or a fake's `http://127.0.0.1:PORT`. */
export interface VendorEndpoint {
  protocol: 'http' | 'https';
  /** host[:port], as the SDKs take it. */
  host: string;
}

export interface AliyunSmsCredentials {
  accessKeyId: string;
  accessKeySecret: VendorSecret;
  endpoint: VendorEndpoint;
}

export interface TencentSmsCredentials {
  secretId: string;
  secretKey: VendorSecret;
  sdkAppId: string;
  region: string;
  endpoint: VendorEndpoint;
}

export interface WecomCredentials {
  corpId: string;
  /** The 客户联系 (external contact) secret: add_msg_template and get_groupmsg_send_result use its token. */
  secret: VendorSecret;
  /** Callback Token and EncodingAESKey (43 chars) set in the WeCom admin console. */
  token: VendorSecret;
  encodingAesKey: VendorSecret;
  apiBase: string;
}

export interface WechatCredentials {
  appId: string;
  appSecret: VendorSecret;
  apiBase: string;
}

type Env = Record<string, string | undefined>;

/** Aliyun SMS: ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET, optional ALIYUN_SMS_ENDPOINT. */
export function readAliyunSmsCredentials(env: Env): AliyunSmsCredentials | undefined {
  const v = readGroup(env, 'Aliyun SMS', ['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET']);
  if (!v) return undefined;
  return {
    accessKeyId: v.ALIYUN_SMS_ACCESS_KEY_ID,
    accessKeySecret: new VendorSecret(v.ALIYUN_SMS_ACCESS_KEY_SECRET),
    endpoint: parseEndpoint(
      env.ALIYUN_SMS_ENDPOINT ?? 'https://dysmsapi.aliyuncs.com',
      'ALIYUN_SMS_ENDPOINT',
    ),
  };
}

/**
 * Tencent Cloud SMS: TENCENT_SMS_SECRET_ID, TENCENT_SMS_SECRET_KEY, TENCENT_SMS_SDK_APP_ID, optional
 * TENCENT_SMS_REGION (ap-guangzhou) and TENCENT_SMS_ENDPOINT (https://sms.tencentcloudapi.com).
 */
export function readTencentSmsCredentials(env: Env): TencentSmsCredentials | undefined {
  const v = readGroup(env, 'Tencent Cloud SMS', [
    'TENCENT_SMS_SECRET_ID',
    'TENCENT_SMS_SECRET_KEY',
    'TENCENT_SMS_SDK_APP_ID',
  ]);
  if (!v) return undefined;
  return {
    secretId: v.TENCENT_SMS_SECRET_ID,
    secretKey: new VendorSecret(v.TENCENT_SMS_SECRET_KEY),
    sdkAppId: v.TENCENT_SMS_SDK_APP_ID,
    region: env.TENCENT_SMS_REGION ?? 'ap-guangzhou',
    endpoint: parseEndpoint(
      env.TENCENT_SMS_ENDPOINT ?? 'https://sms.tencentcloudapi.com',
      'TENCENT_SMS_ENDPOINT',
    ),
  };
}

/** WeCom: WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_AES_KEY, optional WECOM_API_BASE_URL. */
export function readWecomCredentials(env: Env): WecomCredentials | undefined {
  const v = readGroup(env, 'WeCom', ['WECOM_CORP_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_AES_KEY']);
  if (!v) return undefined;
  if (!/^[A-Za-z0-9]{43}$/.test(v.WECOM_AES_KEY)) {
    throw new ChannelError(
      ChannelErrorCode.CREDENTIALS_INCOMPLETE,
      'WECOM_AES_KEY must be the 43-character EncodingAESKey from the WeCom admin console',
    );
  }
  return {
    corpId: v.WECOM_CORP_ID,
    secret: new VendorSecret(v.WECOM_SECRET),
    token: new VendorSecret(v.WECOM_TOKEN),
    encodingAesKey: new VendorSecret(v.WECOM_AES_KEY),
    apiBase: (env.WECOM_API_BASE_URL ?? 'https://qyapi.weixin.qq.com').replace(/\/$/, ''),
  };
}

/** WeChat official account (subscription messages): WECHAT_APP_ID, WECHAT_APP_SECRET, optional WECHAT_API_BASE_URL. */
export function readWechatCredentials(env: Env): WechatCredentials | undefined {
  const v = readGroup(env, 'WeChat', ['WECHAT_APP_ID', 'WECHAT_APP_SECRET']);
  if (!v) return undefined;
  return {
    appId: v.WECHAT_APP_ID,
    appSecret: new VendorSecret(v.WECHAT_APP_SECRET),
    apiBase: (env.WECHAT_API_BASE_URL ?? 'https://api.weixin.qq.com').replace(/\/$/, ''),
  };
}

/** All names set: the values; none set: undefined (the vendor is not configured); some: a precise error. */
function readGroup<K extends string>(env: Env, vendor: string, names: K[]): Record<K, string> | undefined {
  const present = names.filter((n) => (env[n] ?? '').trim() !== '');
  if (present.length === 0) return undefined;
  const missing = names.filter((n) => !present.includes(n));
  if (missing.length > 0) {
    throw new ChannelError(
      ChannelErrorCode.CREDENTIALS_INCOMPLETE,
      `${vendor} is partly configured: ${missing.join(', ')} missing (set all of ${names.join(', ')} or none)`,
      { missing },
    );
  }
  return Object.fromEntries(names.map((n) => [n, env[n]!.trim()])) as Record<K, string>;
}

function parseEndpoint(raw: string, name: string): VendorEndpoint {
  const m = /^(https?):\/\/([^/]+)\/?$/.exec(raw.trim());
  if (!m) {
    throw new ChannelError(
      ChannelErrorCode.CREDENTIALS_INCOMPLETE,
      `${name} must be a base URL such as https://host or http://127.0.0.1:PORT`,
    );
  }
  return { protocol: m[1] as 'http' | 'https', host: m[2] };
}
