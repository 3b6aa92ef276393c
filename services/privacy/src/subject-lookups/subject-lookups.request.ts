import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { LOOKUP_PURPOSES, type LookupPurpose } from './look-up-subject.use-case';

export class LookUpSubjectRequest {
  @ApiProperty({
    description: 'The mainland mobile number the verified requester gave',
    example: '13800138000',
  })
  @IsString()
  @Length(1, 32)
  phone: string;

  @ApiProperty({ enum: LOOKUP_PURPOSES })
  @IsIn(LOOKUP_PURPOSES)
  purpose: LookupPurpose;

  @ApiProperty({ description: 'Which verified request this is for (letter, ticket or call reference)' })
  @IsString()
  @Length(1, 200)
  reference: string;
}

export class LookupIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
