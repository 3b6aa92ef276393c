import { Module } from '@nestjs/common';
import { SandboxSmsRepository } from './sandbox-sms.repository';
import { SandboxSmsSender } from './sandbox-sms.sender';

/** The sandbox SMS channel one-time codes go out on. */
@Module({
  providers: [SandboxSmsRepository, SandboxSmsSender],
  exports: [SandboxSmsSender],
})
export class SandboxSmsModule {}
