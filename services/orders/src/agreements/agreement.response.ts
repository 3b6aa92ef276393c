import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, type Platform } from '@siyu/contracts';
import { AGREEMENT_PURPOSES, type AgreementPurpose, type PlatformAgreement } from './platform-agreement';
import type { ReleaseRefusal } from './platform-agreement.repository';
import type { PlatformAgreementChange } from './set-platform-agreement.use-case';

export class PlatformAgreementResponse implements PlatformAgreement {
  @ApiProperty({ enum: PLATFORMS, example: 'tmall' })
  platform: Platform;
  @ApiProperty({ example: 'shop-1' })
  shopId: string;
  @ApiProperty({ example: true, description: 'False: nothing recorded, the platform default applies' })
  recorded: boolean;
  @ApiProperty({
    enum: AGREEMENT_PURPOSES,
    isArray: true,
    example: ['shipping', 'after_sales', 'customer_care'],
  })
  allowedPurposes: AgreementPurpose[];
  @ApiProperty({ type: String, nullable: true, example: 'tmall-isv-2026-03' })
  agreementRef: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Staff account id' })
  updatedBy: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  updatedAt: string | null;
}

export class PlatformAgreementChangeResponse
  extends PlatformAgreementResponse
  implements PlatformAgreementChange
{
  @ApiProperty({ example: 0, description: 'Releases closed because purchase_history is no longer allowed' })
  revokedReleases: number;
  @ApiProperty({ example: 0, description: 'Releases re-issued without sensitive-category facts' })
  reissuedReleases: number;
}

export class ReleaseRefusalResponse implements ReleaseRefusal {
  @ApiProperty({ description: 'Opaque subject ref' })
  subjectRef: string;
  @ApiProperty({ enum: AGREEMENT_PURPOSES, example: 'purchase_history' })
  purpose: AgreementPurpose;
  @ApiProperty({ example: 'platform agreement does not allow purchase_history' })
  reason: string;
  @ApiProperty({ type: Number, nullable: true, example: 42 })
  ledgerSeq: number | null;
  @ApiProperty({ format: 'date-time' })
  refusedAt: string;
}

export class ReleaseRefusalsResponse {
  @ApiProperty({ type: ReleaseRefusalResponse, isArray: true })
  refusals: ReleaseRefusal[];
}
