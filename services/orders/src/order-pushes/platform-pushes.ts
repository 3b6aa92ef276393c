import { PLATFORMS, type Platform } from '@siyu/contracts';
import type { MappedOrder } from '../order-book/order';
import { DOUYIN_PUSH } from '../imports/platforms/douyin/douyin.push';
import { JD_PUSH } from '../imports/platforms/jd/jd.push';
import { KUAISHOU_PUSH } from '../imports/platforms/kuaishou/kuaishou.push';
import { PINDUODUO_PUSH } from '../imports/platforms/pinduoduo/pinduoduo.push';
import type { PlatformPush, PushMessage } from '../imports/platforms/platform-push';
import { PushBodyInvalid, PushFields } from '../imports/platforms/push-fields';
import { TMALL_PUSH } from '../imports/platforms/tmall/tmall.push';
import { YOUZAN_PUSH } from '../imports/platforms/youzan/youzan.push';
import { OrderPushError, OrderPushErrorCode } from './order-pushes.errors';

/** The platforms that push orders; each push shape lives beside its export layout (platforms/<p>/). */
const PUSHES: Record<Platform, PlatformPush> = {
  tmall: TMALL_PUSH,
  jd: JD_PUSH,
  douyin: DOUYIN_PUSH,
  kuaishou: KUAISHOU_PUSH,
  pinduoduo: PINDUODUO_PUSH,
  youzan: YOUZAN_PUSH,
};

export function isPushPlatform(platform: string): platform is Platform {
  return (PLATFORMS as readonly string[]).includes(platform);
}

export function splitPush(platform: string, body: unknown): PushMessage[] {
  if (!isPushPlatform(platform))
    throw new OrderPushError(OrderPushErrorCode.PLATFORM_NOT_SUPPORTED, 'no push endpoint for this platform');
  const messages = refusedAsBodyInvalid(() => PUSHES[platform].split(body));
  // Refused at the door, so the platform sees the error rather than a silent loss (issue §9).
  for (const m of messages) mapPushMessage(platform, m.body);
  return messages;
}

export function mapPushMessage(platform: Platform, body: string): MappedOrder {
  return refusedAsBodyInvalid(() => PUSHES[platform].map(PushFields.ofJsonText(body, 'push')));
}

/** A platform's refusal of a body becomes this feature's error (400, the field named, no value). */
function refusedAsBodyInvalid<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof PushBodyInvalid)
      throw new OrderPushError(OrderPushErrorCode.BODY_INVALID, err.message);
    throw err;
  }
}
