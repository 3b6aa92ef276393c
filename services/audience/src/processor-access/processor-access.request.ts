import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { TAG_CATEGORIES, type TagCategory } from '@siyu/contracts';

/** No bulk export (R15): a page holds at most this many members. */
export const PROCESSOR_PAGE_CAP = 200;

export class ProcessorSegmentParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  segmentId: string;
}

export class ProcessorSegmentMembersQuery {
  @ApiProperty({
    required: false,
    description: 'Comma-separated tag categories; each must be granted as tag_values:<category>',
    example: 'lifecycle,spending_power',
  })
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v.length > 0)
      : value,
  )
  @IsIn(TAG_CATEGORIES, {
    each: true,
    message: `each of tagCategories must be one of: ${TAG_CATEGORIES.join(', ')}`,
  })
  tagCategories?: TagCategory[];

  @ApiProperty({
    required: false,
    format: 'uuid',
    description: 'nextCursor of the previous page (valid a day)',
  })
  @IsOptional()
  @IsUUID('4', { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiProperty({ required: false, minimum: 1, maximum: PROCESSOR_PAGE_CAP, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PROCESSOR_PAGE_CAP, {
    message: `limit is at most ${PROCESSOR_PAGE_CAP}: processors get pages, never a bulk export`,
  })
  limit?: number;
}
