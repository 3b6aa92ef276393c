import { IsIn, IsString, Length } from 'class-validator';
import { CHANNELS, PURPOSES, type Channel, type Purpose } from '@siyu/contracts';

export class CreateSegmentRequest {
  @IsString()
  @Length(1, 100)
  name: string;

  @IsIn(PURPOSES)
  purpose: Purpose;

  @IsIn(CHANNELS)
  channel: Channel;
}
