import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type Type,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthKeys } from './auth-keys';
import { PUBLIC_KEY, ROLE_REFUSALS_KEY, ROLES_KEY, type RoleRefusalRecorder } from './decorators';
import {
  fieldsRequested,
  PROCESSOR_ACCESS_KEY,
  type ProcessorAccessSpec,
  type ProcessorRefusalCode,
} from './processor-access';
import type { Actor, Role } from './roles';
import { verifyAccessToken } from './token-issuer';

/** Finds a provider anywhere in the application (installHttpEdge passes `app.get`). */
export type ProviderLookup = <T>(type: Type<T>) => T;

/**
 * Registered globally by every service (`app.useGlobalGuards`). Fails closed: a route that declares
 * neither roles nor a public reason is refused, so forgetting `@Roles` cannot open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: AuthKeys,
    private readonly providers?: ProviderLookup,
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
      await this.recordRefusal(targets, actor, request);
      throw new ForbiddenException({
        code: 'ROLE_NOT_ALLOWED',
        message: `role ${actor.role} may not call this route; allowed: ${roles.join(', ')}`,
      });
    }
    if (actor.role === 'processor') await this.checkProcessorScope(targets, actor, request);
    request.actor = actor;
    return true;
  }

  /**
   * R15: a processor passes only on a route that declares `@ProcessorAccess`, while its grant has
   * neither reached its end nor been revoked, and for fields inside the grant. Refusals are audited.
   */
  private async checkProcessorScope(
    targets: Parameters<Reflector['getAllAndOverride']>[1],
    actor: Actor,
    request: Request,
  ): Promise<void> {
    const spec = this.reflector.getAllAndOverride<ProcessorAccessSpec>(PROCESSOR_ACCESS_KEY, targets);
    if (!spec) throw processorRefused('PROCESSOR_ROUTE_NOT_DECLARED', 'this route serves no processor grant');
    if (!this.providers) throw new Error('AuthGuard needs a provider lookup to check processor grants');
    const ledger = this.providers(spec.ledger);
    const grant = actor.grant!;
    const refuse = async (code: ProcessorRefusalCode, message: string) => {
      await ledger.recordProcessorRefusal(actor, code, request);
      return processorRefused(code, message);
    };
    if (Date.parse(grant.until) <= Date.now())
      throw await refuse('PROCESSOR_GRANT_ENDED', `grant ${grant.id} ended at ${grant.until}`);
    if (await ledger.hasEnded(grant.id))
      throw await refuse('PROCESSOR_GRANT_ENDED', `grant ${grant.id} was ended by the privacy officer`);
    const granted = new Set<string>(grant.fields);
    const missing = fieldsRequested(spec, request).filter((f) => !granted.has(f));
    if (missing.length > 0)
      throw await refuse(
        'PROCESSOR_FIELD_NOT_GRANTED',
        `grant ${grant.id} does not include: ${missing.join(', ')}`,
      );
  }

  /** R16: on a route that reads PII, the refused caller is recorded before the 403 is answered. */
  private async recordRefusal(
    targets: Parameters<Reflector['getAllAndOverride']>[1],
    actor: Actor,
    request: Request,
  ): Promise<void> {
    const recorder = this.reflector.getAllAndOverride<Type<RoleRefusalRecorder>>(ROLE_REFUSALS_KEY, targets);
    if (!recorder) return;
    if (!this.providers) throw new Error('AuthGuard needs a provider lookup to record role refusals');
    await this.providers(recorder).recordRoleRefusal(actor, request);
  }
}

function processorRefused(code: ProcessorRefusalCode, message: string): ForbiddenException {
  return new ForbiddenException({ code, message });
}
