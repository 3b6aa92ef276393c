import { AuditTrailVerdictResponse } from '@siyu/audit';
import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS } from '@siyu/contracts';
import type { LookupResult } from './lookup-orders.query';
import type { OrderFacts } from './receiver-lookup.repository';
import { LOOKUP_KINDS, type LookupKind } from './receiver-lookup-index';
import type { Receiver } from './seal-receiver';

export class OrderFactsResponse implements OrderFacts {
  @ApiProperty({ format: 'uuid', description: 'Opaque order ref (no platform id)' })
  orderRef: string;
  @ApiProperty({ enum: PLATFORMS, example: 'tmall' })
  platform: string;
  @ApiProperty({ example: 'shop-1' })
  shopId: string;
  @ApiProperty({ example: 'shipped' })
  status: string;
  @ApiProperty({ example: 12900 })
  amountCents: number;
  @ApiProperty({ format: 'date-time' })
  orderedAt: string;
  @ApiProperty({ example: false, description: 'Past its after-sales window: nothing left to reveal' })
  receiverShredded: boolean;
}

export class LookupResultResponse implements LookupResult {
  @ApiProperty({ enum: [...LOOKUP_KINDS, 'order-no'], example: 'phone-last4' })
  searchedBy: LookupKind | 'order-no';
  @ApiProperty({ type: OrderFactsResponse, isArray: true })
  matches: OrderFacts[];
  @ApiProperty({ example: false, description: 'More orders matched than are shown: narrow with `shop`' })
  truncated: boolean;
}

/** The one response that carries personal data: only to ops, for a fulfilment purpose, audited (R16). */
export class RevealedReceiverResponse implements Receiver {
  @ApiProperty({ example: '张三' })
  name: string;
  @ApiProperty({ example: '13800138000' })
  phone: string;
  @ApiProperty({ example: '浙江省杭州市西湖区文三路 1 号' })
  address: string;
}

/** Orders' audit verdict: the shared one (R20), under the name the console already reads. */
export class AuditVerdict extends AuditTrailVerdictResponse {}
