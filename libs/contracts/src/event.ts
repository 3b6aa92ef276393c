import { IsIn, IsISO8601, IsString, IsUUID, Matches } from 'class-validator';

/** Header every event carries; the payload fields live on the subclass. No PII, ever (R16). */
export abstract class EventBase {
  @IsUUID()
  eventId: string;

  @IsString()
  @Matches(/^[a-z]+\.[a-z-]+\.v\d+$/)
  type: string;

  @IsIn([1])
  schemaVersion: number;

  @IsISO8601({ strict: true })
  occurredAt: string;
}
