import { Module } from '@nestjs/common';
import { GetCurrentNotice } from './get-current-notice.query';
import { ListNoticeVersions } from './list-notice-versions.query';
import { NoticeRepository } from './notice.repository';
import { NoticesController } from './notices.controller';
import { PublishNotice } from './publish-notice.use-case';

/** The notices customers are shown (R5): versions, immutable once published. */
@Module({
  controllers: [NoticesController],
  providers: [NoticeRepository, PublishNotice, GetCurrentNotice, ListNoticeVersions],
  exports: [NoticeRepository],
})
export class NoticesModule {}
