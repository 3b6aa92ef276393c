import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from './passwords';
import { normaliseUsername } from './username';

// No password policy here: a wrong guess must get the same 401 as any other, not a 400.
export class LogInRequest {
  @Transform(normaliseUsername)
  @IsString()
  @Length(1, 64)
  username: string;

  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}
