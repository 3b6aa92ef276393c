import { IsArray, IsIn, IsISO8601, IsString, IsUUID, Matches } from 'class-validator';
import { EventBase } from './event';
import { TAG_CATEGORIES, type TagCategory } from './tag-categories';

/**
 * `consent.tag-categories-changed.v1`: the customer's per-category profiling choice from the
 * preference centre (R11), as the full set of categories now closed. Keyed by subject ref, so a
 * member's choices stay ordered; `changedAt` lets a consumer ignore an older choice redelivered late.
 * The one personalisation switch travels as `consent.withdrawn.v1` of the profiling purposes.
 */
export class TagCategoriesChangedV1 extends EventBase {
  override type = 'consent.tag-categories-changed.v1';

  @IsUUID()
  subjectRef: string;

  @IsString()
  @Matches(/^[a-z0-9-]{1,40}$/)
  brandId: string;

  @IsArray()
  @IsIn(TAG_CATEGORIES, { each: true })
  closedCategories: TagCategory[];

  @IsISO8601({ strict: true })
  changedAt: string;
}
