import { CronExpressionParser } from 'cron-parser';
import type { CampaignSchedule } from './campaign.repository';

/** The next time a recurring campaign runs after `after`, in the schedule's time zone. */
export function nextRunAt(schedule: Extract<CampaignSchedule, { kind: 'cron' }>, after: Date): string {
  return CronExpressionParser.parse(schedule.cron, { currentDate: after, tz: schedule.timeZone })
    .next()
    .toDate()
    .toISOString();
}

/** A precise reason when the expression or zone does not parse; null when it does. */
export function cronProblem(cron: string, timeZone: string): string | null {
  try {
    CronExpressionParser.parse(cron, { tz: timeZone }).next();
    return null;
  } catch (err) {
    return `schedule.cron "${cron}" in ${timeZone} does not parse: ${(err as Error).message}`;
  }
}
