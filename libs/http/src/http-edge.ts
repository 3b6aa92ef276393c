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
import type { NextFunction, Request, Response } from 'express';
import { AuthGuard, type AuthKeys } from '@siyu/auth';

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
    // An error is JSON even on a route that set another type before failing (@Header on a PNG,
    // an HTML page): express's json() keeps a Content-Type already set (found by the fuzzer).
    if (!res.headersSent) res.type('application/json');
    if (err instanceof DomainError) {
      res
        .status(err.httpStatus)
        .json({ code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
      return;
    }
    if (err instanceof HttpException) {
      res.status(err.getStatus()).json(errorBodyOf(err));
      return;
    }
    // Unknown errors: log the class and message only (messages never carry PII by construction).
    this.logger.error(`${(err as Error)?.name}: ${(err as Error)?.message}`);
    res.status(500).json({ code: 'INTERNAL', message: 'internal error' });
  }
}

/**
 * Nest's own exceptions (ParseUUIDPipe's 400, an unknown route's 404) answer in the house shape too:
 * `{ code, message }`, never Nest's `{ statusCode, error, message }` (found by the fuzzer, issue 14).
 */
function errorBodyOf(err: HttpException): Record<string, unknown> {
  const body = err.getResponse();
  // Only Nest's default body is rewritten; a shaped body (ours, or terminus' health report) stays.
  const nestDefault = typeof body === 'object' && body !== null && 'statusCode' in body && !('code' in body);
  if (typeof body === 'object' && body !== null && !nestDefault) return body as Record<string, unknown>;
  const raw = typeof body === 'string' ? body : (body as { message?: unknown })?.message;
  const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? err.message);
  const status = err.getStatus();
  const code = status === 400 ? 'VALIDATION_FAILED' : status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR';
  return { code, message };
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

/**
 * Keys that reach an object's prototype rather than the object: `JSON.parse` makes `__proto__` an
 * own property, and class-transformer's copy onto a DTO then swaps the DTO's prototype, so the key
 * slips past `forbidNonWhitelisted` (issue 9 §6). `constructor` / `prototype` reach the same place
 * through code that merges or walks objects. No request of ours has a reason to send one.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_REPORTED = 10;

interface KeyNode {
  value: unknown;
  key: string;
  parent: KeyNode | null;
}

function pathOf(node: KeyNode): string {
  const keys: string[] = [];
  for (let at: KeyNode | null = node; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/**
 * The paths (`rule.and.0.__proto__`, as validation errors name fields) of the reserved keys in a
 * parsed body or query, at any depth, own keys only, at most `limit`. Iterative, so a deeply nested
 * body cannot overflow the stack; a path is built only for a key that is reported.
 */
export function reservedKeyPaths(value: unknown, limit = MAX_REPORTED): string[] {
  const found: string[] = [];
  const stack: KeyNode[] = [{ value, key: '', parent: null }];
  while (stack.length > 0 && found.length < limit) {
    const node = stack.pop()!;
    if (node.value === null || typeof node.value !== 'object') continue;
    const keys = Object.keys(node.value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child: KeyNode = {
        value: (node.value as Record<string, unknown>)[keys[i]],
        key: keys[i],
        parent: node,
      };
      if (RESERVED_KEYS.has(keys[i])) found.push(pathOf(child));
      else stack.push(child);
    }
  }
  return found.slice(0, limit);
}

/**
 * How deep a body may nest. class-transformer copies a body onto its DTO recursively, so a body
 * nested 20,000 levels deep overflowed the stack and answered 500 (found by abuse.e2e-spec.ts,
 * issue 14 §4); no request of ours nests near this.
 */
export const MAX_BODY_DEPTH = 64;

/** True when `value` nests objects/arrays deeper than `max` levels. Iterative: cannot overflow. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A NUL (PostgreSQL text cannot hold it) or a surrogate without its pair (not text at all). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The paths of the strings (values or keys) in a parsed body or query that cannot be stored as text:
 * they answered 500 from PostgreSQL ("invalid byte sequence for encoding UTF8: 0x00", "unsupported
 * Unicode escape sequence") on routes that store them (found by abuse.e2e-spec.ts, issue 14 §4).
 * Iterative, like reservedKeyPaths.
 */
export function unstorableTextPaths(value: unknown, limit = MAX_REPORTED): string[] {
  const found: string[] = [];
  const stack: KeyNode[] = [{ value, key: '', parent: null }];
  while (stack.length > 0 && found.length < limit) {
    const node = stack.pop()!;
    if (typeof node.value === 'string') {
      if (UNSTORABLE.test(node.value)) found.push(pathOf(node) || '(body)');
      continue;
    }
    if (node.value === null || typeof node.value !== 'object') continue;
    for (const [key, child] of Object.entries(node.value)) {
      const next: KeyNode = { value: child, key: key.replace(/[\u0000\ud800-\udfff]/g, '?'), parent: node };
      if (UNSTORABLE.test(key)) found.push(pathOf(next));
      else stack.push(next);
    }
  }
  return found.slice(0, limit);
}

/**
 * Refuses a request whose parsed JSON or form body, or query, holds a reserved key, before any
 * guard, pipe or handler sees it: 400 naming each key's path, in the validation error's shape.
 * A body nested deeper than MAX_BODY_DEPTH is refused the same way.
 */
export function rejectReservedKeys(req: Request, res: Response, next: NextFunction): void {
  if (nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
    res.status(400).json({
      code: 'VALIDATION_FAILED',
      message: `request body is invalid: it nests deeper than ${MAX_BODY_DEPTH} levels`,
      errors: [
        { field: '(body)', location: 'body', problems: [`nests deeper than ${MAX_BODY_DEPTH} levels`] },
      ],
    });
    return;
  }
  const unstorable = unstorableTextPaths(req.body);
  const unstorableWhere = unstorable.length > 0 ? 'body' : 'query';
  if (unstorable.length === 0) unstorable.push(...unstorableTextPaths(req.query));
  if (unstorable.length > 0) {
    res.status(400).json({
      code: 'VALIDATION_FAILED',
      message: `request ${unstorableWhere} is invalid: ${unstorable.map((p) => `"${p}"`).join(', ')} holds a NUL character or an unpaired surrogate, which is not text`,
      errors: unstorable.map((field) => ({
        field,
        location: unstorableWhere,
        problems: ['holds a NUL character or an unpaired surrogate, which is not text'],
      })),
    });
    return;
  }
  const inBody = reservedKeyPaths(req.body);
  const where = inBody.length > 0 ? 'body' : 'query';
  const paths = inBody.length > 0 ? inBody : reservedKeyPaths(req.query);
  if (paths.length === 0) return next();
  const quoted = paths.map((p) => `"${p}"`).join(', ');
  res.status(400).json({
    code: 'VALIDATION_FAILED',
    message: `request ${where} is invalid: ${quoted} uses a reserved key (${[...RESERVED_KEYS].join(', ')})`,
    errors: paths.map((field) => ({
      field,
      location: where,
      problems: [`"${field.split('.').at(-1)}" is a reserved key and may not appear in a request ${where}`],
    })),
  });
}

interface ExpressEdge {
  useBodyParser(type: 'json' | 'urlencoded', options?: Record<string, unknown>): unknown;
  use(handler: (req: Request, res: Response, next: NextFunction) => void): unknown;
}

/**
 * What every service's HTTP edge installs, whether alone or inside `standalone`; call it before
 * `init()`/`listen()`. The body parsers are registered here, with Nest's own defaults (raw body kept
 * when the app asked for it; Nest then skips its own), so that the reserved-key check runs right
 * after them, for every route.
 */
export function installHttpEdge(app: INestApplication, keys: AuthKeys): void {
  const edge = app as unknown as Partial<ExpressEdge>;
  if (typeof edge.useBodyParser !== 'function' || typeof edge.use !== 'function')
    throw new Error('installHttpEdge needs a Nest application on the Express platform');
  edge.useBodyParser('json');
  edge.useBodyParser('urlencoded', { extended: true });
  edge.use(rejectReservedKeys);
  app.useGlobalGuards(new AuthGuard(app.get(Reflector), keys, (type) => app.get(type, { strict: false })));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new DomainErrorFilter());
}
