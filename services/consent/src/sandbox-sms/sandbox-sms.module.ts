import { Module } from '@nestjs/common';
import { SandboxSmsSender } from './sandbox-sms.sender';

/** The sandbox SMS channel one-time codes go out on. */
@Module({
  providers: [SandboxSmsSender],
  exports: [SandboxSmsSender],
})
export class SandboxSmsModule {}
