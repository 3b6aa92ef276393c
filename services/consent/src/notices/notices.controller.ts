import { Body, Controller, Get, Inject, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '@siyu/auth';
import { NoticeResponse } from './notice.response';
import { Roles } from '@siyu/auth';
import type { DataSource } from 'typeorm';
import { CONSENT_DB, CONSENT_OPTIONS, type ConsentModuleOptions } from '../consent.options';
import { NoticeRepository } from './notice.repository';
import { NoticeError, NoticeErrorCode } from './notices.errors';
import { NoticeLocaleQuery, PublishNoticeRequest } from './publish-notice.request';
import { PublishNotice } from './publish-notice.use-case';

@ApiTags('consent: notices')
@Controller('api/v1/consent/notices')
export class NoticesController {
  constructor(
    private readonly publishNotice: PublishNotice,
    private readonly notices: NoticeRepository,
    @Inject(CONSENT_DB) private readonly ds: DataSource,
    @Inject(CONSENT_OPTIONS) private readonly options: ConsentModuleOptions,
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
  async current(@Query() query: NoticeLocaleQuery) {
    const locale = query.locale ?? 'zh-CN';
    const notice = await this.notices.findCurrent(this.ds.manager, this.options.brand.id, locale);
    // 404 rather than a 200 with an empty body, which is not JSON (found by the fuzzer, issue 14).
    if (!notice) throw new NoticeError(NoticeErrorCode.NONE_PUBLISHED, `no notice published in ${locale}`);
    return notice;
  }

  @Get()
  @ApiOkResponse({ type: NoticeResponse, isArray: true, description: 'zh-CN first, newest version first' })
  @Roles('privacy_officer', 'admin')
  versions() {
    return this.notices.listVersions(this.ds.manager, this.options.brand.id);
  }
}
