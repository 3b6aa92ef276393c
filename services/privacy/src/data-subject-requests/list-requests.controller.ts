import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CorrectionResponse } from './data-subject-request.response';
import { ListRequests } from './list-requests.query';

export class ListRequestsQuery {
  @ApiPropertyOptional({ enum: ['open', 'completed'] })
  @IsOptional()
  @IsIn(['open', 'completed'])
  status?: 'open' | 'completed';

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class RequestListItemResponse {
  @ApiProperty() id: string;
  @ApiProperty() subjectRef: string;
  @ApiProperty({ enum: ['access', 'erasure', 'withdraw_all', 'correct'] }) kind: string;
  @ApiProperty({ type: CorrectionResponse, nullable: true, description: 'For kind "correct" only' })
  correction: CorrectionResponse | null;
  @ApiProperty({ enum: ['offline', 'public_page'] }) receivedVia: string;
  @ApiProperty({ enum: ['open', 'completed'] }) status: 'open' | 'completed';
  @ApiProperty() overdue: boolean;
  @ApiProperty() receivedAt: string;
  @ApiProperty() dueAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ description: 'Services asked' }) services: number;
  @ApiProperty({ description: 'Services that answered' }) answered: number;
}

/** The privacy officer's worklist of data-subject requests (R14), newest first. */
@ApiTags('privacy: data-subject requests')
@ApiBearerAuth()
@Controller('api/v1/privacy/requests')
export class ListRequestsController {
  constructor(private readonly listRequests: ListRequests) {}

  @Get()
  @Roles('privacy_officer')
  @ApiOkResponse({ type: [RequestListItemResponse] })
  list(@Query() { status, limit = 100 }: ListRequestsQuery): Promise<RequestListItemResponse[]> {
    return this.listRequests.execute(status, limit);
  }
}
