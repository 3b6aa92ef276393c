import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CurrentActor, Roles, type Actor } from '@siyu/auth';
import { ProcessorRegisterQuery } from './processor-register.query';
import { ProcessorIdParams, RecordProcessorContractRequest } from './processors.request';
import { ProcessorRegisterResponse, ProcessorResponse } from './processors.response';
import { RecordProcessorContract } from './record-processor-contract.use-case';

/** R15: the register of entrusted processors, and the contract behind each. */
@ApiTags('privacy: processors')
@ApiBearerAuth()
@Controller('api/v1/privacy/processors')
export class ProcessorsController {
  constructor(
    private readonly register: ProcessorRegisterQuery,
    private readonly recordContract: RecordProcessorContract,
  ) {}

  @Get()
  @Roles('privacy_officer')
  @ApiOkResponse({ type: ProcessorRegisterResponse })
  async list(): Promise<ProcessorRegisterResponse> {
    return { processors: await this.register.list() };
  }

  /** Records (or replaces) the contract / DPA reference of one processor; audited. */
  @Put(':id/contract')
  @Roles('privacy_officer')
  @ApiOkResponse({ type: ProcessorResponse })
  @ApiErrors({ 404: ['PROCESSOR_NOT_FOUND'] })
  async record(
    @Param() params: ProcessorIdParams,
    @Body() body: RecordProcessorContractRequest,
    @CurrentActor() officer: Actor,
  ): Promise<ProcessorResponse> {
    await this.recordContract.execute(officer, params.id, body);
    return (await this.register.one(params.id))!;
  }
}
