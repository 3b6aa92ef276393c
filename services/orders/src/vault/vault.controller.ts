import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CurrentActor, RecordRoleRefusals, Roles, type Actor } from '@siyu/auth';
import { RevealReceiver } from './reveal-receiver.use-case';
import { RevealReceiverRequest } from './reveal-receiver.request';
import { RevealRoleRefusals } from './role-refusals';
import type { Receiver } from './seal-receiver';

@Controller('api/v1/orders/:orderRef')
export class VaultController {
  constructor(private readonly revealReceiver: RevealReceiver) {}

  /**
   * ops only: `{ purpose }` → `{ name, phone, address }` for shipping, after_sales, customer_care.
   * Every other role is refused and audited (R16).
   */
  @Post('reveal')
  @HttpCode(200)
  @Roles('ops')
  @RecordRoleRefusals(RevealRoleRefusals)
  reveal(
    @Param('orderRef', new ParseUUIDPipe()) orderRef: string,
    @Body() body: RevealReceiverRequest,
    @CurrentActor() actor: Actor,
  ): Promise<Receiver> {
    return this.revealReceiver.execute(actor, orderRef, body.purpose);
  }
}
