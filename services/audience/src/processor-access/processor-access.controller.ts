import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, ProcessorAccess, Roles, type Actor } from '@siyu/auth';
import { AudienceProcessorGrantLedger } from './audience-processor-grant-ledger';
import { ProcessorSegmentMembersQuery, ProcessorSegmentParams } from './processor-access.request';
import { ProcessorSegmentMembersResponse } from './processor-access.response';
import { ReadSegmentMembersForProcessor } from './read-segment-members-for-processor.query';

/** R15: the one route an entrusted agency may call; JSON pages only, no export. */
@ApiTags('audience: processor access')
@ApiBearerAuth()
@Controller('api/v1/audience/processor-access')
export class ProcessorAccessController {
  constructor(private readonly readMembers: ReadSegmentMembersForProcessor) {}

  @Get('segments/:segmentId/members')
  @Roles('processor')
  @ProcessorAccess({
    fields: ['member_ref_pseudonymised', 'segment_membership'],
    queryFields: { param: 'tagCategories', prefix: 'tag_values:' },
    ledger: AudienceProcessorGrantLedger,
  })
  @ApiOkResponse({ type: ProcessorSegmentMembersResponse })
  @ApiErrors({
    403: ['PROCESSOR_GRANT_ENDED', 'PROCESSOR_FIELD_NOT_GRANTED'],
    400: ['PROCESSOR_CURSOR_UNKNOWN'],
    404: ['PROCESSOR_SEGMENT_NOT_FOUND'],
  })
  members(
    @Param() params: ProcessorSegmentParams,
    @Query() query: ProcessorSegmentMembersQuery,
    @CurrentActor() processor: Actor,
  ): Promise<ProcessorSegmentMembersResponse> {
    return this.readMembers.execute(processor, params.segmentId, query);
  }
}
