import { Controller, Get, Query } from '@nestjs/common';
import { CurrentActor, RecordRoleRefusals, Roles, type Actor } from '@siyu/auth';
import { LookupOrders, type LookupResult } from './lookup-orders.query';
import { LookupOrdersRequest } from './lookup-orders.request';
import { LookupRoleRefusals } from './role-refusals';

@Controller('api/v1/orders/lookup')
export class LookupController {
  constructor(private readonly lookupOrders: LookupOrders) {}

  /** ops: `?orderNo=|buyerId=|phone=|phoneLast4=` (+ `shop`, `purpose`) → order refs and non-PII facts. */
  @Get()
  @Roles('ops')
  @RecordRoleRefusals(LookupRoleRefusals)
  lookup(@Query() query: LookupOrdersRequest, @CurrentActor() actor: Actor): Promise<LookupResult> {
    return this.lookupOrders.execute(actor, query);
  }
}
