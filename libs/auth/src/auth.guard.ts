import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthKeys } from './auth-keys';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import type { Role } from './roles';
import { verifyAccessToken } from './token-issuer';

/**
 * Registered globally by every service (`app.useGlobalGuards`). Fails closed: a route that declares
 * neither roles nor a public reason is refused, so forgetting `@Roles` cannot open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: AuthKeys,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<string>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!roles || roles.length === 0)
      throw new ForbiddenException({ code: 'ROUTE_DECLARES_NO_ROLES', message: 'route declares no roles' });
    const request = context.switchToHttp().getRequest();
    const header: unknown = request.headers?.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : null;
    if (!token)
      throw new UnauthorizedException({
        code: 'TOKEN_MISSING',
        message: 'Authorization: Bearer <token> required',
      });
    const actor = await verifyAccessToken(this.keys, token);
    if (!actor)
      throw new UnauthorizedException({ code: 'TOKEN_INVALID', message: 'token invalid or expired' });
    if (!roles.includes(actor.role)) {
      throw new ForbiddenException({
        code: 'ROLE_NOT_ALLOWED',
        message: `role ${actor.role} may not call this route; allowed: ${roles.join(', ')}`,
      });
    }
    request.actor = actor;
    return true;
  }
}
