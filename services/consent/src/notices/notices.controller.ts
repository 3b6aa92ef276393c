import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Roles } from '@siyu/auth';
import { CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { GetCurrentNotice } from './get-current-notice.query';
import { ListNoticeVersions } from './list-notice-versions.query';
import { NoticeResponse } from './notice.response';
import { NoticeLocaleQuery, PublishNoticeRequest } from './publish-notice.request';
import { PublishNotice } from './publish-notice.use-case';

@ApiTags('consent: notices')
@Controller('api/v1/consent/notices')
export class NoticesController {
  constructor(
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
    private readonly publishNotice: PublishNotice,
    private readonly currentNotice: GetCurrentNotice,
    private readonly noticeVersions: ListNoticeVersions,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: NoticeResponse, description: 'The new version (immutable)' })
  @ApiErrors({ 409: ['NOTICE_DUPLICATE'], 422: ['NOTICE_INCOMPLETE'] })
  @Roles('privacy_officer', 'admin')
  publish(@Body() body: PublishNoticeRequest) {
    const { locale, ...content } = body;
    return this.publishNotice.execute(this.options.brand.id, locale ?? 'zh-CN', content);
  }

  @Get('current')
  @ApiOkResponse({ type: NoticeResponse })
  @ApiErrors({ 404: ['NO_NOTICE'] })
  @Roles('privacy_officer', 'admin', 'marketer', 'ops')
  current(@Query() query: NoticeLocaleQuery) {
    return this.currentNotice.execute(this.options.brand.id, query.locale ?? 'zh-CN');
  }

  @Get()
  @ApiOkResponse({ type: NoticeResponse, isArray: true, description: 'zh-CN first, newest version first' })
  @Roles('privacy_officer', 'admin')
  versions() {
    return this.noticeVersions.execute(this.options.brand.id);
  }
}
