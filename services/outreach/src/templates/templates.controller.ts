import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
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
import { DeclareTemplateRequest, PreviewTemplateRequest } from './declare-template.request';
import { DeclareTemplate } from './declare-template.use-case';
import { SyncTemplates } from './sync-templates.use-case';
import {
  SmsEstimateResponse,
  TemplateResponse,
  TemplateSyncResponse,
  toTemplateResponse,
} from './template.response';
import { TemplateReads } from './template-reads.query';
import { TemplateError, TemplateErrorCode } from './templates.errors';

@ApiTags('outreach templates')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'ROLE_NOT_ALLOWED: marketers and admins only' })
@Controller('api/v1/outreach/templates')
@Roles('marketer', 'admin')
export class TemplatesController {
  constructor(
    private readonly templates: TemplateReads,
    private readonly declareTemplate: DeclareTemplate,
    private readonly syncTemplates: SyncTemplates,
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
  list(): Promise<TemplateResponse[]> {
    return this.templates.list();
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOkResponse({ type: SmsEstimateResponse })
  @ApiNotFoundResponse({ description: 'TEMPLATE_NOT_FOUND' })
  preview(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PreviewTemplateRequest,
  ): Promise<SmsEstimateResponse> {
    return this.templates.preview(id, body.variables ?? {});
  }
}
