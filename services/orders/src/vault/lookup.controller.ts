import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, RecordRoleRefusals, Roles, type Actor } from '@siyu/auth';
import { LookupResultResponse } from './vault.response';
import { LookupOrders, type LookupResult } from './lookup-orders.query';
import { LookupOrdersRequest } from './lookup-orders.request';
import { LookupRoleRefusals } from './role-refusals';

@ApiTags('orders: after-sales')
@Controller('api/v1/orders/lookup')
export class LookupController {
  constructor(private readonly lookupOrders: LookupOrders) {}

  /** ops: `?orderNo=|buyerId=|phone=|phoneLast4=` (+ `shop`, `purpose`) → order refs and non-PII facts. */
  @Get()
  @ApiQuery({
    name: 'orderNo',
    required: false,
    description: 'Exactly one of orderNo, buyerId, phone, phoneLast4',
  })
  @ApiQuery({ name: 'buyerId', required: false })
  @ApiQuery({ name: 'phone', required: false, description: 'A full mobile number' })
  @ApiQuery({ name: 'phoneLast4', required: false, example: '8000' })
  @ApiQuery({ name: 'shop', required: false })
  @ApiQuery({ name: 'purpose', required: false, example: 'after_sales' })
  @ApiOkResponse({
    type: LookupResultResponse,
    description: 'Order refs and non-PII facts; the search is audited',
  })
  @ApiErrors({ 400: ['LOOKUP_KEY_INVALID'], 403: ['PURPOSE_NOT_ALLOWED'] })
  @Roles('ops')
  @RecordRoleRefusals(LookupRoleRefusals)
  lookup(@Query() query: LookupOrdersRequest, @CurrentActor() actor: Actor): Promise<LookupResult> {
    return this.lookupOrders.execute(actor, query);
  }
}
