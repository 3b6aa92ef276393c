/** R19 thresholds (PIPL Art. 40, 52; CAC practice): 1,000,000 brings extra duties, 10,000,000 more. */
export const INDIVIDUALS_THRESHOLDS = [1_000_000, 10_000_000] as const;

export interface ServiceCount {
  service: string;
  populations: { population: string; individuals: number }[];
}

export type ThresholdStatus = 'below' | 'possibly_reached' | 'reached';

export interface IndividualsBounds {
  /** At least this many distinct individuals: the largest single population (each is distinct within). */
  lowerBound: number;
  /** At most this many: every population added up, as if nobody were in two of them. */
  upperBound: number;
  thresholds: { threshold: number; status: ThresholdStatus }[];
}

/**
 * Bounds on the distinct individuals across services without joining identities across the walls:
 * within a population every key is one person, across populations the overlap is unknown.
 */
export function individualsBounds(counts: ServiceCount[]): IndividualsBounds {
  const sizes = counts.flatMap((c) => c.populations.map((p) => p.individuals));
  const lowerBound = Math.max(0, ...sizes);
  const upperBound = sizes.reduce((a, b) => a + b, 0);
  return {
    lowerBound,
    upperBound,
    thresholds: INDIVIDUALS_THRESHOLDS.map((threshold) => ({
      threshold,
      status: lowerBound >= threshold ? 'reached' : upperBound >= threshold ? 'possibly_reached' : 'below',
    })),
  };
}
