import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
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

  /** Role `processor` only (R15): the privacy officer's grant this agency key is bound to. */
  @ApiProperty({
    required: false,
    format: 'uuid',
    description: 'Role processor only: the grant the key serves',
  })
  @IsOptional()
  @IsUUID()
  grantId?: string;
}
