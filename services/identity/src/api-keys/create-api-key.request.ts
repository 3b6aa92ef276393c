import { Transform } from 'class-transformer';
import { IsIn, IsString, Length } from 'class-validator';
import { MACHINE_ROLES, type MachineRole } from '@siyu/auth';

export class CreateApiKeyRequest {
  /** Who holds the key, e.g. "tmall-push"; shown in listings, never secret. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 100)
  name: string;

  @IsIn(MACHINE_ROLES)
  role: MachineRole;
}
