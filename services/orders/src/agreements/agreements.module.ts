import { Module } from '@nestjs/common';
import { ReleaseModule } from '../release/release.module';
import { AgreementsController } from './agreements.controller';
import { GetPlatformAgreement } from './get-platform-agreement.query';
import { SetPlatformAgreement } from './set-platform-agreement.use-case';

/** Each shop's platform agreement (R8): narrowing it revokes releases it no longer allows. */
@Module({
  imports: [ReleaseModule],
  controllers: [AgreementsController],
  providers: [SetPlatformAgreement, GetPlatformAgreement],
})
export class AgreementsModule {}
