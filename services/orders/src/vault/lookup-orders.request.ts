import { IsOptional, Matches } from 'class-validator';

/** Exactly one of orderNo, buyerId, phone, phoneLast4 (checked by LookupOrders); shop narrows. */
export class LookupOrdersRequest {
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'orderNo must be a platform order number' })
  orderNo?: string;

  @IsOptional()
  @Matches(/^[^\s*#][^\s]{0,127}$/, { message: 'buyerId must be an unmasked platform buyer id' })
  buyerId?: string;

  @IsOptional()
  @Matches(/^[+\d][\d\s-]{6,19}$/, { message: 'phone must be a full mobile number' })
  phone?: string;

  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'phoneLast4 must be four digits' })
  phoneLast4?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shop must be 1-64 letters, digits, _ or -' })
  shop?: string;

  @IsOptional()
  @Matches(/^[a-z][a-z_-]{0,39}$/, { message: 'purpose must be a lower-case word such as after_sales' })
  purpose?: string;
}
