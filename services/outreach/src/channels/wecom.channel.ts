import { ApiRateLimiter } from './api-rate-limiter';
import { ChannelError, ChannelErrorCode } from './channels.errors';
import { ErrcodeApiClient } from './errcode-api-client';
import type { WecomCredentials } from './vendor-credentials';

/** WeCom lets one customer receive at most 4 企业群发 messages from the corp per natural month. */
export const WECOM_MONTHLY_LIMIT = 4;
/** add_msg_template takes at most 10,000 external_userid per task. */
export const WECOM_MAX_RECIPIENTS_PER_TASK = 10_000;

// Errcodes WeCom documents as "busy / over a limit, try again" (global error codes: -1 系统繁忙
// "建议重试次数不超过3次", 45009 接口调用超过限制, 45033 接口并发调用超过限制, 41063 群发消息正在被派发中
// "请稍后再试" — as in binarywang/WxJava WxCpErrorMsgEnum / WxErrorEnum). Nothing was done: retry.
const TRANSIENT = new Set([-1, 45009, 45033, 41063]);
/** Stale or invalid token: fetch a new one and call once more. */
const TOKEN = new Set([40014, 42001]);

export interface WecomRecipient {
  /** Our send id for (run, member, WeCom). */
  sendId: string;
  /** The customer's external_userid (personal data, R1: never logged). */
  externalUserId: string;
}

export interface WecomTaskRequest {
  /** The staff member (userid) who owns these contacts: WeCom asks them to confirm the send. */
  sender: string;
  recipients: WecomRecipient[];
  text: string;
}

export type WecomTaskOutcome =
  /** One task per ≤ 10,000 recipients; `notContacts`: send ids WeCom put in fail_list (not this staff member's contact). */
  | { status: 'created'; msgid: string; sender: string; sendIds: string[]; notContacts: string[] }
  | { status: 'rejected'; sendIds: string[]; errcode: number; errmsg: string }
  /** No answer: the task may exist and the staff member may confirm it — never create it again blindly. */
  | { status: 'unknown'; sendIds: string[]; errorCode: string };

export type WecomRecipientStatus = 'awaiting_staff' | 'sent' | 'not_contact' | 'monthly_limit';

export interface WecomRecipientResult {
  msgid: string;
  staffUserId: string;
  externalUserId: string;
  status: WecomRecipientStatus;
  /** 'WECOM_MONTHLY_LIMIT' for status 3 (already got this month's 4), 'WECOM_NOT_CONTACT' for 2. */
  errorCode?: 'WECOM_MONTHLY_LIMIT' | 'WECOM_NOT_CONTACT';
  sentAt?: Date;
}

export interface WecomChannelOptions {
  /** API calls per second (token bucket). Default 20. */
  callsPerSecond?: number;
  timeoutMs?: number;
  maxRetries?: number;
  backoffMs?: number;
}

/**
 * WeCom customer messages (企业群发 to customers): a task per owning staff member
 * (externalcontact/add_msg_template), sent only once they confirm it in their app, results per
 * customer and per msgid (externalcontact/get_groupmsg_send_result), keeping every msgid of a campaign.
 */
export class WecomChannel {
  private readonly api: ErrcodeApiClient;

  constructor(credentials: WecomCredentials, options: WecomChannelOptions = {}) {
    this.api = new ErrcodeApiClient({
      name: 'WeCom',
      baseUrl: credentials.apiBase,
      tokenPath: () =>
        `/cgi-bin/gettoken?corpid=${encodeURIComponent(credentials.corpId)}&corpsecret=${encodeURIComponent(credentials.secret.reveal())}`,
      limiter: new ApiRateLimiter(options.callsPerSecond ?? 20),
      timeoutMs: options.timeoutMs ?? 5000,
      transientErrcodes: TRANSIENT,
      tokenErrcodes: TOKEN,
      maxRetries: options.maxRetries ?? 3,
      backoffMs: options.backoffMs ?? 200,
    });
  }

  /** One add_msg_template per ≤ 10,000 recipients of this staff member. */
  async createTasks(req: WecomTaskRequest): Promise<WecomTaskOutcome[]> {
    const out: WecomTaskOutcome[] = [];
    for (let i = 0; i < req.recipients.length; i += WECOM_MAX_RECIPIENTS_PER_TASK) {
      const chunk = req.recipients.slice(i, i + WECOM_MAX_RECIPIENTS_PER_TASK);
      const sendIds = chunk.map((r) => r.sendId);
      const res = await this.api.call(
        '/cgi-bin/externalcontact/add_msg_template',
        {
          chat_type: 'single',
          external_userid: chunk.map((r) => r.externalUserId),
          sender: req.sender,
          text: { content: req.text },
        },
        // A write: without an answer the task may exist; the caller reconciles, never recreates.
        { retryWithoutAnswer: false },
      );
      if (res.kind === 'ok') {
        const failed = new Set<string>(Array.isArray(res.data.fail_list) ? res.data.fail_list : []);
        out.push({
          status: 'created',
          msgid: String(res.data.msgid),
          sender: req.sender,
          sendIds,
          notContacts: chunk.filter((r) => failed.has(r.externalUserId)).map((r) => r.sendId),
        });
      } else if (res.kind === 'error') {
        out.push({ status: 'rejected', sendIds, errcode: res.errcode, errmsg: res.errmsg });
      } else {
        out.push({ status: 'unknown', sendIds, errorCode: res.errorCode });
      }
    }
    return out;
  }

  /**
   * Per customer, for every task given (a campaign keeps all its msgids, not the last): reads are
   * safe to retry, so a timeout here is retried like a transient errcode.
   */
  async results(tasks: { msgid: string; sender: string }[]): Promise<WecomRecipientResult[]> {
    const out: WecomRecipientResult[] = [];
    for (const t of tasks) {
      let cursor = '';
      for (let page = 0; page < 1000; page++) {
        const res = await this.api.call(
          '/cgi-bin/externalcontact/get_groupmsg_send_result',
          { msgid: t.msgid, userid: t.sender, limit: 1000, ...(cursor ? { cursor } : {}) },
          { retryWithoutAnswer: true },
        );
        if (res.kind !== 'ok') {
          // Nothing is lost: the results stay at WeCom; ask again later.
          const code = res.kind === 'error' ? String(res.errcode) : res.errorCode;
          throw new ChannelError(
            res.kind === 'error' ? ChannelErrorCode.VENDOR_REFUSED : ChannelErrorCode.VENDOR_UNAVAILABLE,
            `WeCom get_groupmsg_send_result for ${t.msgid} failed: ${code}`,
            { vendor: 'wecom', msgid: t.msgid, errorCode: code },
          );
        }
        // `send_list` (get_groupmsg_send_result, 93338; SKIT.FlurlHttpClient.Wechat's
        // CgibinExternalContactGetGroupMessageSendResultResponse, gin-vue-admin's GetGroupMsgSendResultResponse);
        // `detail_list` is the older get_group_msg_result's name, still read.
        for (const d of (res.data.send_list ?? res.data.detail_list ?? []) as Record<string, any>[]) {
          out.push(toResult(t.msgid, t.sender, d));
        }
        cursor = String(res.data.next_cursor ?? '');
        if (!cursor) break;
      }
    }
    return out;
  }

  /**
   * The tasks a timed-out add_msg_template may have created: get_groupmsg_list_v2 over the time range
   * (企业发表 tasks; WeCom allows at most one month), then, for each task whose text matches, who it
   * went to for this staff member. Reads, so retried without an answer; throws when WeCom cannot
   * tell (the sends stay in doubt and are asked about again).
   */
  async findTasks(q: WecomTaskLookup): Promise<WecomTaskRecord[]> {
    const found: WecomTaskRecord[] = [];
    let cursor = '';
    for (let page = 0; page < 1000; page++) {
      const res = await this.api.call(
        '/cgi-bin/externalcontact/get_groupmsg_list_v2',
        {
          chat_type: 'single',
          start_time: Math.floor(q.since.getTime() / 1000),
          end_time: Math.ceil(q.until.getTime() / 1000),
          filter_type: 0,
          limit: 100,
          ...(cursor ? { cursor } : {}),
        },
        { retryWithoutAnswer: true },
      );
      if (res.kind !== 'ok') throw lookupFailed('get_groupmsg_list_v2', res);
      for (const m of (res.data.group_msg_list ?? []) as Record<string, any>[]) {
        const text = String(m.text?.content ?? '');
        if (q.known.has(String(m.msgid)) || !q.textMatches(text)) continue;
        found.push({
          msgid: String(m.msgid),
          text,
          createdAt: new Date(Number(m.create_time) * 1000),
          externalUserIds: [],
        });
      }
      cursor = String(res.data.next_cursor ?? '');
      if (!cursor) break;
    }
    for (const t of found) {
      const results = await this.results([{ msgid: t.msgid, sender: q.sender }]);
      t.externalUserIds = results.map((r) => r.externalUserId);
    }
    return found;
  }
}

function lookupFailed(
  what: string,
  res: { kind: 'error'; errcode: number } | { kind: 'no_answer'; errorCode: string },
): ChannelError {
  const code = res.kind === 'error' ? String(res.errcode) : res.errorCode;
  return new ChannelError(
    res.kind === 'error' ? ChannelErrorCode.VENDOR_REFUSED : ChannelErrorCode.VENDOR_UNAVAILABLE,
    `WeCom ${what} failed: ${code}`,
    { vendor: 'wecom', errorCode: code },
  );
}

export interface WecomTaskRecord {
  msgid: string;
  text: string;
  createdAt: Date;
  /** Per customer of the task (get_groupmsg_send_result for the staff member). */
  externalUserIds: string[];
}

export interface WecomTaskLookup {
  /** Tasks created in [since, until] whose text passes `textMatches`, with their customers for `sender`. */
  since: Date;
  until: Date;
  sender: string;
  textMatches: (text: string) => boolean;
  /** Tasks already recorded on a send (their customers need not be asked for). */
  known: ReadonlySet<string>;
}

// get_groupmsg_send_result status: 0 未发送, 1 已发送, 2 因客户不是好友导致发送失败,
// 3 因客户已经收到其他群发消息导致发送失败 (qwdigital/LinkWechat-Scrm DetailMessageStatusResultDto).
function toResult(msgid: string, sender: string, d: Record<string, any>): WecomRecipientResult {
  const base = { msgid, staffUserId: String(d.userid ?? sender), externalUserId: String(d.external_userid) };
  switch (Number(d.status)) {
    case 1:
      return {
        ...base,
        status: 'sent',
        ...(d.send_time ? { sentAt: new Date(Number(d.send_time) * 1000) } : {}),
      };
    case 2:
      return { ...base, status: 'not_contact', errorCode: 'WECOM_NOT_CONTACT' };
    case 3:
      return { ...base, status: 'monthly_limit', errorCode: 'WECOM_MONTHLY_LIMIT' };
    default:
      return { ...base, status: 'awaiting_staff' };
  }
}

/** The natural month WeCom counts in (Beijing time), `yyyy-MM`: the gate's key for the 4-per-month cap. */
export function wecomMonth(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
}
