import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ApiKeyIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
