import { createParamDecorator, ExecutionContext, SetMetadata, type Type } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, Role } from './roles';

export const ROLES_KEY = 'siyu:roles';
export const PUBLIC_KEY = 'siyu:public';
export const ROLE_REFUSALS_KEY = 'siyu:role-refusals';

/** Every /api/v1 route declares who may call it; the guard refuses a route that declares nothing. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Customer pages and signed webhooks only: they carry their own proof (signed token or signature). */
export const Public = (
  reason: 'customer-page' | 'signed-webhook' | 'login' | 'health' | 'metrics' | 'front-door',
) => SetMetadata(PUBLIC_KEY, reason);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest().actor;
});

/**
 * Records an authenticated caller whose role the route refuses (R16: every attempt to read PII,
 * refused ones too, leaves a trace). Runs before the 403 is answered; if it fails, the call fails.
 * The request is unvalidated here: record only what passes the route's own shape checks.
 */
export interface RoleRefusalRecorder {
  recordRoleRefusal(actor: Actor, request: Request): Promise<void>;
}

/** On a PII-reading route: the guard hands a refused role to this provider before answering 403. */
export const RecordRoleRefusals = (recorder: Type<RoleRefusalRecorder>) =>
  SetMetadata(ROLE_REFUSALS_KEY, recorder);
