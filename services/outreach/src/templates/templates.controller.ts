import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { DeclareTemplateRequest, PreviewTemplateRequest } from './declare-template.request';
import { DeclareTemplate } from './declare-template.use-case';
import { EstimateSms } from './estimate-sms';
import { SyncTemplates } from './sync-templates.use-case';
import {
  SmsEstimateResponse,
  TemplateResponse,
  TemplateSyncResponse,
  toTemplateResponse,
} from './template.response';
import { TemplateRepository } from './template.repository';
import { TemplateError, TemplateErrorCode } from './templates.errors';

@ApiTags('outreach templates')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'ROLE_NOT_ALLOWED: marketers and admins only' })
@Controller('api/v1/outreach/templates')
@Roles('marketer', 'admin')
export class TemplatesController {
  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly templates: TemplateRepository,
    private readonly declareTemplate: DeclareTemplate,
    private readonly syncTemplates: SyncTemplates,
    private readonly estimates: EstimateSms,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: TemplateResponse })
  @ApiUnprocessableEntityResponse({ description: 'TEMPLATE_REFUSED with every problem named' })
  async declare(@Body() body: DeclareTemplateRequest): Promise<TemplateResponse> {
    return toTemplateResponse(await this.declareTemplate.execute(body));
  }

  @Post('sync/:vendor')
  @HttpCode(200)
  @ApiOkResponse({ type: TemplateSyncResponse })
  @ApiConflictResponse({ description: 'TEMPLATE_VENDOR_NOT_CONFIGURED' })
  sync(@Param('vendor') vendor: string): Promise<TemplateSyncResponse> {
    if (vendor !== 'aliyun' && vendor !== 'tencent' && vendor !== 'sandbox')
      throw new TemplateError(TemplateErrorCode.VENDOR_NOT_CONFIGURED, `unknown SMS vendor "${vendor}"`);
    return this.syncTemplates.execute(vendor);
  }

  @Get()
  @ApiOkResponse({ type: [TemplateResponse] })
  async list(): Promise<TemplateResponse[]> {
    return (await this.templates.list(this.ds.manager, this.options.brand.id)).map(toTemplateResponse);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOkResponse({ type: SmsEstimateResponse })
  @ApiNotFoundResponse({ description: 'TEMPLATE_NOT_FOUND' })
  async preview(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PreviewTemplateRequest,
  ): Promise<SmsEstimateResponse> {
    const t = await this.templates.find(this.ds.manager, this.options.brand.id, id);
    if (!t) throw new TemplateError(TemplateErrorCode.NOT_FOUND, `template ${id} not found`);
    return this.estimates.estimate(t, body.variables ?? {}, 'sms', 'marketing_messages');
  }
}
