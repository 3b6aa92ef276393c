import { Module } from '@nestjs/common';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { ForwardWechatSendResults } from './forward-wechat-send-results.use-case';
import { RecordWechatEvent } from './record-wechat-event.use-case';
import { WechatBindingRepository } from './wechat-binding.repository';
import { WechatCallbackController } from './wechat-callback.controller';
import { WechatSignature } from './wechat-signature';

/**
 * WeChat callbacks: 取消关注 withdraws what the bound openid granted (R9); subscription-message send
 * results go on to outreach as `consent.wechat-send-result.v1`.
 */
@Module({
  imports: [WithdrawalModule],
  controllers: [WechatCallbackController],
  providers: [WechatSignature, WechatBindingRepository, RecordWechatEvent, ForwardWechatSendResults],
  exports: [WechatBindingRepository],
})
export class WechatModule {}
