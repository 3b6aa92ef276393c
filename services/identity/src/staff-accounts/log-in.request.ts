import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from './passwords';
import { normaliseUsername } from './username';

// No password policy here: a wrong guess must get the same 401 as any other, not a 400.
export class LogInRequest {
  @ApiProperty({ example: 'admin' })
  @Transform(normaliseUsername)
  @IsString()
  @Length(1, 64)
  username: string;

  @ApiProperty({ format: 'password', example: 'correct horse battery staple' })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}
