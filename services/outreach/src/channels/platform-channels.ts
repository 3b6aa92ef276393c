import type { WechatSubscriptionChannel } from './wechat-subscription.channel';
import type { WecomChannel } from './wecom.channel';

/** The WeCom and WeChat channels this deployment is configured for (WECOM_*, WECHAT_* env), if any. */
export class PlatformChannels {
  constructor(
    readonly wecom?: WecomChannel,
    readonly wechat?: WechatSubscriptionChannel,
  ) {}
}
