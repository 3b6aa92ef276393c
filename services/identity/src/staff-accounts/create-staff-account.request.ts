import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '@siyu/auth';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords';
import { normaliseUsername, USERNAME_PATTERN } from './username';

export class CreateStaffAccountRequest {
  @ApiProperty({ example: 'li.ops', pattern: USERNAME_PATTERN.source })
  @Transform(normaliseUsername)
  @IsString()
  @Matches(USERNAME_PATTERN, {
    message: 'username must be 3-64 characters: a letter, then letters, digits, ".", "_" or "-"',
  })
  username: string;

  @ApiProperty({ enum: STAFF_ROLES, example: 'ops' })
  @IsIn(STAFF_ROLES)
  role: StaffRole;

  /** Omitted: a strong password is generated and returned once. */
  @ApiPropertyOptional({
    format: 'password',
    description: 'Omitted: a strong password is generated and returned once',
  })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password?: string;
}
