import { Module } from '@nestjs/common';
import { GrantsModule } from '../grants/grants.module';
import { NoticesModule } from '../notices/notices.module';
import { QrConsentModule } from '../qr-consent/qr-consent.module';
import { WithdrawalModule } from '../withdrawal/withdrawal.module';
import { GrantConsentByWecom } from './grant-consent-by-wecom.use-case';
import { RecordWecomEvent } from './record-wecom-event.use-case';
import { WecomCallbackController } from './wecom-callback.controller';
import { WecomConsentController } from './wecom-consent.controller';
import { WecomWelcomeClient } from './wecom-welcome.client';

/**
 * The WeCom door (R7): adding the brand's staff member is not consent; the welcome message links
 * the consent page, and only agreeing there grants WeCom. Deleting the staff member withdraws it (R9).
 */
@Module({
  imports: [GrantsModule, NoticesModule, QrConsentModule, WithdrawalModule],
  controllers: [WecomCallbackController, WecomConsentController],
  providers: [WecomWelcomeClient, RecordWecomEvent, GrantConsentByWecom],
})
export class WecomDoorModule {}
