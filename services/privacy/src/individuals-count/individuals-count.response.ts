import { ApiProperty } from '@nestjs/swagger';
import { individualsBounds } from './individuals-bounds';
import type { IndividualsCountRow } from './individuals-count.repository';

export class PopulationResponse {
  @ApiProperty({ example: 'consent_subjects' }) population: string;
  @ApiProperty() individuals: number;
}

export class ServiceCountResponse {
  @ApiProperty() service: string;
  @ApiProperty({ type: String, format: 'date-time' }) answeredAt: string;
  @ApiProperty({ type: [PopulationResponse] }) populations: PopulationResponse[];
}

export class ThresholdResponse {
  @ApiProperty({ example: 1000000 }) threshold: number;
  @ApiProperty({ enum: ['below', 'possibly_reached', 'reached'] }) status: string;
}

export class IndividualsCountResponse {
  @ApiProperty({ format: 'uuid' }) countId: string;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt: string;
  @ApiProperty({ description: 'Every counting service answered' }) complete: boolean;
  @ApiProperty({ type: [String] }) waitingFor: string[];
  @ApiProperty({ type: [ServiceCountResponse] }) services: ServiceCountResponse[];
  @ApiProperty({ description: 'At least this many distinct individuals (largest single population)' })
  lowerBound: number;
  @ApiProperty({ description: 'At most this many (every population added up)' }) upperBound: number;
  @ApiProperty({ type: [ThresholdResponse] }) thresholds: ThresholdResponse[];
  @ApiProperty() method: string;
}

export class StartedCountResponse {
  @ApiProperty({ format: 'uuid' }) countId: string;
}

export const COUNT_METHOD =
  'Each service counts its own keys (consent: subjects by phone blind index; orders: buyer pseudonyms and ' +
  'orders with readable receiver data; identity: staff accounts). No identity is joined across services, ' +
  'so the distinct total lies between the largest population and their sum. Audience and outreach hold ' +
  "only consent's subjects and add nobody. See docs/privacy/individuals-count.md.";

export function toIndividualsCountResponse(c: IndividualsCountRow): IndividualsCountResponse {
  const answered = new Set(c.answers.map((a) => a.service));
  return {
    countId: c.id,
    startedAt: c.startedAt,
    complete: c.services.every((s) => answered.has(s)),
    waitingFor: c.services.filter((s) => !answered.has(s)),
    services: c.answers,
    ...individualsBounds(c.answers),
    method: COUNT_METHOD,
  };
}
