import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

export class PurgeProofRequest {
  /** Report what would be purged, change nothing. */
  @ApiPropertyOptional({ default: false, description: 'Report what would be purged, change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
