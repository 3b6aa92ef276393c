/** One entry of a `subscribe_msg_sent_event` push (订阅通知 send result). */
export interface WechatSendResult {
  templateId: string;
  /** 64-bit integer as its decimal digits: never through a JS number. */
  msgId: string;
  errorCode: number;
  errorStatus: string;
}

const LIST = /<List>([\s\S]*?)<\/List>/g;

/**
 * The `<SubscribeMsgSentEvent><List>…</List></SubscribeMsgSentEvent>` entries of a push that the
 * flat parser has already accepted (so no DTD or entity can be in it). WeChat documents one List
 * per push for this event; more are read all the same, as `subscribe_msg_popup_event` sends several.
 * An entry without a usable MsgID, TemplateId or ErrorCode is skipped, not guessed.
 */
export function readWechatSendResults(xml: string): WechatSendResult[] {
  const out: WechatSendResult[] = [];
  for (const [, body] of xml.matchAll(LIST)) {
    const field = (name: string) => {
      const m = new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(body);
      return m ? (m[1] ?? m[2] ?? '').trim() : undefined;
    };
    const templateId = field('TemplateId');
    const msgId = field('MsgID') ?? field('MsgId');
    const errorCode = field('ErrorCode');
    if (!templateId || !/^[A-Za-z0-9_-]{1,128}$/.test(templateId)) continue;
    if (!msgId || !/^\d{1,20}$/.test(msgId)) continue;
    if (!errorCode || !/^-?\d{1,9}$/.test(errorCode)) continue;
    out.push({
      templateId,
      msgId,
      errorCode: Number(errorCode),
      // Only WeChat's status words travel on; anything else is cut away, not forwarded.
      errorStatus: (field('ErrorStatus') ?? '').replace(/[^\w .:,;()-]/g, '').slice(0, 64),
    });
  }
  return out;
}
