import { ApiProperty } from '@nestjs/swagger';

export class LatencySummaryResponse {
  @ApiProperty({ description: 'Withdrawals applied' }) count: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Median seconds (null: none)' })
  p50Seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p95Seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p99Seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxSeconds: number | null;
  @ApiProperty({ description: 'Took longer than slowAfterSeconds' }) slowCount: number;
}

export class DayLatencyResponse extends LatencySummaryResponse {
  @ApiProperty({ example: '2026-12-06', description: 'Day the withdrawal was applied, in timeZone' })
  day: string;
}

export class SourceLatencyResponse extends LatencySummaryResponse {
  @ApiProperty({ example: 'unsubscribe_link', description: 'Where the customer said no' })
  source: string;
}

export class LatencyBucketResponse {
  @ApiProperty({ type: Number, nullable: true, description: 'Upper bound in seconds (null: longer)' })
  upToSeconds: number | null;
  @ApiProperty() count: number;
}

export class TimeToSuppressionResponse {
  @ApiProperty({ format: 'date-time' }) since: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({ description: 'The alert threshold SiyuWithdrawalSlowToSuppress pages at (p99)' })
  slowAfterSeconds: number;
  @ApiProperty({ type: LatencySummaryResponse }) overall: LatencySummaryResponse;
  @ApiProperty({ type: [DayLatencyResponse], description: 'Oldest first; days without withdrawals left out' })
  byDay: DayLatencyResponse[];
  @ApiProperty({ type: [SourceLatencyResponse] }) bySource: SourceLatencyResponse[];
  @ApiProperty({ type: [LatencyBucketResponse], description: 'The metric’s histogram bounds' })
  histogram: LatencyBucketResponse[];
  @ApiProperty({ description: 'Suppressions recorded before their time was kept (not measured)' })
  notMeasured: number;
}
