import { Module } from '@nestjs/common';
import { SubjectsModule } from '../subjects/subjects.module';
import { ContactKeysController } from './contact-keys.controller';
import { ResealContactPoints } from './reseal-contact-points.use-case';

/** Re-sealing stored contact points under the current contact key. */
@Module({
  imports: [SubjectsModule],
  controllers: [ContactKeysController],
  providers: [ResealContactPoints],
})
export class ContactKeysModule {}
