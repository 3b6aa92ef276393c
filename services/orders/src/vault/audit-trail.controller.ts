import { Controller, Get, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { verifyAuditTrail } from '@siyu/audit';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { ORDERS_DB } from '../orders.options';

export class AuditVerdict {
  @ApiProperty({ example: true })
  intact: boolean;
  @ApiProperty({ example: 1234 })
  entries: number;
  /** The first entry whose hash does not follow from its body and predecessor (R20). */
  @ApiPropertyOptional({ description: 'The first entry whose hash does not follow (R20)' })
  brokenSeq?: string;
}

@ApiTags('orders: audit')
@Controller('api/v1/orders/audit')
export class AuditTrailController {
  constructor(@Inject(ORDERS_DB) private readonly ds: DataSource) {}

  @Get('verify')
  @ApiOkResponse({ type: AuditVerdict })
  @Roles('privacy_officer', 'admin')
  async verify(): Promise<AuditVerdict> {
    const { intact, entries, brokenSeq } = await verifyAuditTrail(this.ds.manager);
    return brokenSeq === undefined ? { intact, entries } : { intact, entries, brokenSeq };
  }
}
