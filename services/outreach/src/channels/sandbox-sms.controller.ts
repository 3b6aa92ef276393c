import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { SandboxSmsChannel } from './sandbox-sms.channel';

export class SandboxMessageResponse {
  @ApiProperty({ nullable: true }) sendId: string | null;
  @ApiProperty({ description: 'Recipient, masked (139****5678)' }) toMasked: string;
  @ApiProperty() body: string;
  @ApiProperty() sentAt: string;
}

/** What `npm start`'s sandbox vendor "sent", for the console. */
@ApiTags('outreach sandbox')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'ROLE_NOT_ALLOWED: marketers and admins only' })
@Controller('api/v1/outreach/sandbox')
@Roles('marketer', 'admin')
export class SandboxSmsController {
  constructor(private readonly sandbox: SandboxSmsChannel) {}

  @Get('messages')
  @ApiOkResponse({ type: [SandboxMessageResponse] })
  messages(): Promise<SandboxMessageResponse[]> {
    return this.sandbox.recent(100);
  }
}
