import { Module } from '@nestjs/common';
import { NoticesModule } from '../notices/notices.module';
import { LedgerModule } from '../ledger/ledger.module';
import { GrantsModule } from '../grants/grants.module';
import { CustomerPagesModule } from '../customer-pages/customer-pages.module';
import { SandboxSmsModule } from '../sandbox-sms/sandbox-sms.module';
import { CardPages } from './card-pages';
import { GrantConsentByCard } from './grant-consent-by-card.use-case';
import { OtpRepository } from './otp.repository';
import { ParcelCardClaimRepository } from './parcel-card-claim.repository';
import { QrConsentController } from './qr-consent.controller';
import { RequestCode } from './request-code.use-case';
import { SmsCodeCheck } from './sms-code-check';
import { WechatOAuthClient } from './wechat-oauth.client';
import { WechatOAuthController } from './wechat-oauth.controller';

/** Door 2 (R7): the parcel-card QR page, by SMS code or WeChat OAuth. */
@Module({
  imports: [NoticesModule, LedgerModule, GrantsModule, CustomerPagesModule, SandboxSmsModule],
  controllers: [QrConsentController, WechatOAuthController],
  providers: [
    OtpRepository,
    ParcelCardClaimRepository,
    RequestCode,
    SmsCodeCheck,
    GrantConsentByCard,
    CardPages,
    WechatOAuthClient,
  ],
  // The WeCom door's page is door 2 as well: the same notice, agree form and outcome pages.
  exports: [CardPages],
})
export class QrConsentModule {}
