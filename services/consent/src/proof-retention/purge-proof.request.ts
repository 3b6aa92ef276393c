import { IsBoolean, IsOptional } from 'class-validator';

export class PurgeProofRequest {
  /** Report what would be purged, change nothing. */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
