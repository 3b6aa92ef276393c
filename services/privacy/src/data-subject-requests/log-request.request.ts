import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { REQUEST_KINDS, type DataSubjectRequestKind } from '@siyu/contracts';

/** A request received offline (letter, phone call, shop counter) and verified by the privacy officer. */
export class LogRequestRequest {
  @ApiProperty({
    description: 'The subject ref the officer found for the verified requester',
    format: 'uuid',
  })
  @IsUUID()
  subjectRef: string;

  @ApiProperty({ enum: REQUEST_KINDS })
  @IsIn(REQUEST_KINDS)
  kind: DataSubjectRequestKind;
}

export class RequestIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
