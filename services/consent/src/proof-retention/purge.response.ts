import { ApiProperty } from '@nestjs/swagger';
import type { PurgeReport } from './purge-expired-proof.use-case';
import type { SubjectDataCounts } from './subject-data.repository';

export class SubjectDataCountsResponse implements SubjectDataCounts {
  @ApiProperty({ example: 2 })
  subjects: number;
  @ApiProperty({ example: 1 })
  memberLinks: number;
  @ApiProperty({ example: 0 })
  wechatBindings: number;
  @ApiProperty({ example: 0 })
  wechatEvents: number;
  @ApiProperty({ example: 0 })
  wecomBindings: number;
  @ApiProperty({ example: 0 })
  wecomEvents: number;
  @ApiProperty({ example: 1 })
  smsReplies: number;
  @ApiProperty({ example: 3 })
  otpChallenges: number;
  @ApiProperty({ example: 0 })
  sandboxSms: number;
}

export class PurgeReportResponse implements PurgeReport {
  @ApiProperty({ example: true })
  dryRun: boolean;
  @ApiProperty({ example: 1095 })
  retentionDays: number;
  @ApiProperty({ format: 'date-time', description: 'Subjects whose consent ended before this are purged' })
  endedBefore: string;
  @ApiProperty({ example: 2 })
  subjects: number;
  @ApiProperty({ example: 6 })
  entriesMinimised: number;
  @ApiProperty({ type: SubjectDataCountsResponse })
  deleted: SubjectDataCounts;
}
