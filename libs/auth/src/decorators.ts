import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor, Role } from './roles';

export const ROLES_KEY = 'siyu:roles';
export const PUBLIC_KEY = 'siyu:public';

/** Every /api/v1 route declares who may call it; the guard refuses a route that declares nothing. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Customer pages and signed webhooks only: they carry their own proof (signed token or signature). */
export const Public = (
  reason: 'customer-page' | 'signed-webhook' | 'login' | 'health' | 'metrics' | 'front-door',
) => SetMetadata(PUBLIC_KEY, reason);

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest().actor;
});
