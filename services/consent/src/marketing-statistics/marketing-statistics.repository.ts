import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface ChannelMembers {
  channel: string;
  consenting: number;
  withdrawn: number;
}

export interface DailyOptOuts {
  day: string;
  channel: string;
  source: string;
  subjects: number;
}

/** Counts over the ledger for the marketers' overview: numbers only, never a subject or contact point. */
@Injectable()
export class MarketingStatisticsRepository {
  /** Per channel: subjects whose latest marketing-messages entry there is a grant, and those where it is not. */
  async membersByChannel(tx: EntityManager, brandId: string): Promise<ChannelMembers[]> {
    return tx.query(
      `WITH latest AS (
         SELECT DISTINCT ON (l.subject_ref, c.channel) c.channel, l.action
           FROM ledger l CROSS JOIN LATERAL unnest(l.channels) AS c(channel)
          WHERE l.brand_id = $1 AND 'marketing_messages' = ANY (l.purposes)
          ORDER BY l.subject_ref, c.channel, l.seq DESC)
       SELECT channel,
              count(*) FILTER (WHERE action = 'granted')::int AS consenting,
              count(*) FILTER (WHERE action <> 'granted')::int AS withdrawn
         FROM latest GROUP BY channel ORDER BY channel`,
      [brandId],
    );
  }

  /** Withdrawals per local day, channel and source (link, SMS reply, …) over the last `days` days. */
  async optOutsPerDay(
    tx: EntityManager,
    brandId: string,
    days: number,
    timeZone: string,
  ): Promise<DailyOptOuts[]> {
    return tx.query(
      `SELECT to_char((l.at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day, c.channel,
              COALESCE(l.source, 'other') AS source, count(DISTINCT l.subject_ref)::int AS subjects
         FROM ledger l CROSS JOIN LATERAL unnest(l.channels) AS c(channel)
        WHERE l.brand_id = $1 AND l.action = 'withdrawn' AND l.at >= now() - make_interval(days => $2)
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [brandId, days, timeZone],
    );
  }
}
