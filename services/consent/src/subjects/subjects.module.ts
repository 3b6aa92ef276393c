import { Module } from '@nestjs/common';
import { SubjectRepository } from './subject.repository';

/** Subjects, found by a blind index of their verified contact. */
@Module({
  providers: [SubjectRepository],
  exports: [SubjectRepository],
})
export class SubjectsModule {}
