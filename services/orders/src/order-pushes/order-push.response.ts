import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '@siyu/contracts';
import { PII_KINDS, type PiiKind } from '@siyu/privacy';
import type { OrderPushStatus } from './order-push.repository';
import type { PushPiiFinding, PushPiiReport } from './push-pii-scan';

export class PushPiiFindingResponse implements PushPiiFinding {
  @ApiProperty({ enum: PII_KINDS, isArray: true, example: ['mobile_phone'] })
  kinds: PiiKind[];
  @ApiProperty({ example: 1 })
  count: number;
}

@ApiExtraModels(PushPiiFindingResponse)
export class OrderPushStatusResponse implements OrderPushStatus {
  @ApiProperty({ enum: PLATFORMS, example: 'tmall' })
  platform: Platform;
  @ApiProperty({ example: 'shop-1' })
  shopId: string;
  @ApiProperty({ example: '7392040101' })
  pushId: string;
  @ApiProperty({ format: 'date-time' })
  receivedAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  processedAt: string | null;
  @ApiProperty({ example: 1 })
  attempts: number;
  @ApiProperty({ type: String, nullable: true, example: null })
  error: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(PushPiiFindingResponse) },
    description: 'Field path → kinds and counts, never values; null until processed',
  })
  unmaskedPii: PushPiiReport | null;
}

export class OrderPushStatusListResponse {
  @ApiProperty({ type: OrderPushStatusResponse, isArray: true })
  pushes: OrderPushStatus[];
}

export class OrderPushAcceptedResponse {
  @ApiProperty({ example: true })
  success: true;
  @ApiProperty({ example: 1, description: 'Pushes queued (a replayed message id queues nothing)' })
  queued: number;
}
