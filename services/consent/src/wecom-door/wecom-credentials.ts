import { WecomDoorError, WecomDoorErrorCode } from './wecom-door.errors';

/** The brand's WeCom self-built app for customer contact (客户联系), as its admin console shows it. */
export interface WecomCredentials {
  corpId: string;
  secret: string;
  /** Callback Token and EncodingAESKey of the app's receive-event URL (this service's /webhooks/wecom). */
  token: string;
  encodingAesKey: string;
  apiBase: string;
}

const KEYS = ['WECOM_CORP_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_AES_KEY'] as const;

/**
 * WECOM_CORP_ID, WECOM_SECRET, WECOM_TOKEN, WECOM_AES_KEY (optional WECOM_API_BASE_URL), the same
 * variables outreach reads for WeCom customer messages. None set: no WeCom door; some: refused.
 */
export function readWecomCredentials(env: Record<string, string | undefined>): WecomCredentials | undefined {
  const v = Object.fromEntries(KEYS.map((k) => [k, env[k]?.trim() ?? ''])) as Record<
    (typeof KEYS)[number],
    string
  >;
  const missing = KEYS.filter((k) => !v[k]);
  if (missing.length === KEYS.length) return undefined;
  if (missing.length > 0)
    throw new WecomDoorError(WecomDoorErrorCode.NOT_CONFIGURED, `WeCom needs ${missing.join(', ')} as well`);
  if (!/^[A-Za-z0-9]{43}$/.test(v.WECOM_AES_KEY))
    throw new WecomDoorError(
      WecomDoorErrorCode.NOT_CONFIGURED,
      'WECOM_AES_KEY must be the 43-character EncodingAESKey from the WeCom admin console',
    );
  return {
    corpId: v.WECOM_CORP_ID,
    secret: v.WECOM_SECRET,
    token: v.WECOM_TOKEN,
    encodingAesKey: v.WECOM_AES_KEY,
    apiBase: (env.WECOM_API_BASE_URL?.trim() || 'https://qyapi.weixin.qq.com').replace(/\/$/, ''),
  };
}
