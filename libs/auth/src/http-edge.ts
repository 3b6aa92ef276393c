import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  INestApplication,
  Logger,
  ValidationPipe,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ValidationError } from 'class-validator';
import type { AuthKeys } from './auth-keys';
import { AuthGuard } from './auth.guard';

/**
 * Base of every feature's error class (STYLE rule 7): a code enum per feature and an exhaustive
 * switch from code to HTTP status. Domain code throws these, never HttpException.
 */
export abstract class DomainError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  abstract get httpStatus(): number;
}

@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse();
    if (err instanceof DomainError) {
      res
        .status(err.httpStatus)
        .json({ code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
      return;
    }
    if (err instanceof HttpException) {
      const body = err.getResponse();
      res
        .status(err.getStatus())
        .json(typeof body === 'string' ? { code: 'HTTP_ERROR', message: body } : body);
      return;
    }
    // Unknown errors: log the class and message only (messages never carry PII by construction).
    this.logger.error(`${(err as Error)?.name}: ${(err as Error)?.message}`);
    res.status(500).json({ code: 'INTERNAL', message: 'internal error' });
  }
}

/** Precise 400s: which field, why — validated once, at the edge (STYLE rule 3). */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) =>
      new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'request body is invalid',
        errors: describe(errors),
      }),
  });
}

function describe(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...describe(e.children ?? [], field)];
  });
}

/** What every service's HTTP edge installs, whether alone or inside `standalone`. */
export function installHttpEdge(app: INestApplication, keys: AuthKeys): void {
  app.useGlobalGuards(new AuthGuard(app.get(Reflector), keys, (type) => app.get(type, { strict: false })));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new DomainErrorFilter());
}
