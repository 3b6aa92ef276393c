import { Type } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CARDS_PER_PAGE, type CardsPerPage } from './parcel-card-sheet';

export class CardSheetQuery {
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'shippedOn must be YYYY-MM-DD' })
  shippedOn: string;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shop must be 1-64 letters, digits, _ or -' })
  shop: string;

  @IsOptional()
  @Type(() => Number)
  @IsIn([...CARDS_PER_PAGE], { message: `perPage must be one of ${CARDS_PER_PAGE.join(', ')}` })
  perPage?: CardsPerPage;
}
