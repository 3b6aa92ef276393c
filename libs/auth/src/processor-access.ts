import { SetMetadata, type Type } from '@nestjs/common';
import type { Request } from 'express';
import type { ProcessorGrantField } from '@siyu/contracts';
import type { Actor } from './roles';

export const PROCESSOR_ACCESS_KEY = 'siyu:processor-access';

/** Why the guard refused a processor (R15); each is a 403 with this code. */
export type ProcessorRefusalCode =
  'PROCESSOR_ROUTE_NOT_DECLARED' | 'PROCESSOR_GRANT_ENDED' | 'PROCESSOR_FIELD_NOT_GRANTED';

/**
 * What a service holding processor routes knows about grants: which ended early (it records
 * `privacy.processor-grant-ended.v1` in its inbox), and where refusals are audited.
 */
export interface ProcessorGrantLedger {
  hasEnded(grantId: string): Promise<boolean>;
  recordProcessorRefusal(actor: Actor, code: ProcessorRefusalCode, request: Request): Promise<void>;
}

export interface ProcessorAccessSpec {
  /** Fields the route always returns: every one must be in the grant. */
  fields: ProcessorGrantField[];
  /** A query parameter (comma-separated) naming more fields, each `${prefix}${value}`, e.g. tag categories. */
  queryFields?: { param: string; prefix: string };
  ledger: Type<ProcessorGrantLedger>;
}

/**
 * The only way a route opens to the `processor` role (R15): besides `@Roles('processor')`, it names
 * the grant fields it returns; the guard refuses a token whose grant ended, was revoked, or lacks a field.
 */
export const ProcessorAccess = (spec: ProcessorAccessSpec) => SetMetadata(PROCESSOR_ACCESS_KEY, spec);

/** The grant fields a request needs (the route's own plus those its query names), in order. */
export function fieldsRequested(spec: ProcessorAccessSpec, request: Pick<Request, 'query'>): string[] {
  const wanted: string[] = [...spec.fields];
  if (spec.queryFields) {
    const raw = request.query?.[spec.queryFields.param];
    const values = (Array.isArray(raw) ? raw : [raw])
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    for (const v of values) wanted.push(`${spec.queryFields.prefix}${v}`);
  }
  return wanted;
}
