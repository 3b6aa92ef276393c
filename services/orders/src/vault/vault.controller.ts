import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { FULFILMENT_PURPOSES } from '@siyu/privacy';
import { ApiErrors, CurrentActor, RecordRoleRefusals, Roles, type Actor } from '@siyu/auth';
import { RevealedReceiverResponse } from './vault.response';
import { RevealReceiver } from './reveal-receiver.use-case';
import { RevealReceiverRequest } from './reveal-receiver.request';
import { RevealRoleRefusals } from './role-refusals';
import type { Receiver } from './seal-receiver';

@ApiTags('orders: after-sales')
@Controller('api/v1/orders/:orderRef')
export class VaultController {
  constructor(private readonly revealReceiver: RevealReceiver) {}

  /**
   * ops only: `{ purpose }` → `{ name, phone, address }` for shipping, after_sales, customer_care.
   * Every other role is refused and audited (R16).
   */
  @Post('reveal')
  @ApiParam({ name: 'orderRef', format: 'uuid' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['purpose'],
      properties: { purpose: { type: 'string', enum: [...FULFILMENT_PURPOSES] } },
    },
  })
  @ApiOkResponse({
    type: RevealedReceiverResponse,
    description: 'The receiver; every reveal (and refusal) is audited with actor and purpose',
  })
  @ApiErrors({
    403: ['PURPOSE_NOT_ALLOWED'],
    404: ['ORDER_NOT_FOUND'],
    410: ['RECEIVER_SHREDDED'],
    429: ['REVEAL_BUDGET_EXCEEDED'],
  })
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
