import { Module } from '@nestjs/common';
import { NoticesModule } from '../notices/notices.module';
import { CustomerPageContext } from './page-context';

/** What every customer page reads before it renders (language, notice). */
@Module({
  imports: [NoticesModule],
  providers: [CustomerPageContext],
  exports: [CustomerPageContext],
})
export class CustomerPagesModule {}
