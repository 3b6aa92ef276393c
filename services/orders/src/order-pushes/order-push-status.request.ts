import { IsIn, IsOptional, Matches } from 'class-validator';
import { PLATFORMS, type Platform } from '@siyu/contracts';

export class OrderPushStatusQuery {
  @IsIn(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` })
  platform: Platform;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shop must be 1-64 letters, digits, _ or -' })
  shop: string;

  /** The platform's message id (TMC `id`, JOS `msgId`, `msg_id`…). */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,128}$/, { message: 'pushId must be 1-128 printable ASCII characters' })
  pushId?: string;

  @IsOptional()
  @IsIn(['true', 'false'], { message: 'withUnmaskedPii must be true or false' })
  withUnmaskedPii?: 'true' | 'false';
}
