import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, Length } from 'class-validator';
import { MACHINE_ROLES, type MachineRole } from '@siyu/auth';

export class CreateApiKeyRequest {
  /** Who holds the key, e.g. "tmall-push"; shown in listings, never secret. */
  @ApiProperty({ example: 'tmall-push', description: 'Who holds the key; shown in listings, never secret' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ enum: MACHINE_ROLES, example: 'platform' })
  @IsIn(MACHINE_ROLES)
  role: MachineRole;
}
