import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, Matches } from 'class-validator';
import { PLATFORMS, type Platform } from '@siyu/contracts';
import { AGREEMENT_PURPOSES, type AgreementPurpose } from './platform-agreement';

export class ShopAgreementParams {
  @IsIn(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` })
  platform: Platform;

  /** Same shape as `OrdersIngestedV1.shopId`. */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'shopId must be 1-64 letters, digits, _ or -' })
  shopId: string;
}

export class PlatformAgreementRequest {
  @IsArray({ message: 'allowedPurposes must be a list of purposes' })
  @ArrayMaxSize(AGREEMENT_PURPOSES.length)
  @ArrayUnique({ message: 'allowedPurposes must not repeat a purpose' })
  @IsIn(AGREEMENT_PURPOSES, {
    each: true,
    message: `each of allowedPurposes must be one of ${AGREEMENT_PURPOSES.join(', ')}`,
  })
  allowedPurposes: AgreementPurpose[];

  /** Which agreement the purposes come from, e.g. `tmall-isv-2026-03`; required to allow marketing. */
  @IsOptional()
  @Matches(/^[\p{L}\p{N} ._:/#-]{1,200}$/u, {
    message: 'agreementRef must be 1-200 letters, digits, spaces or . _ : / # -',
  })
  agreementRef?: string;
}
