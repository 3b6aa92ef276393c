import type { INestApplication, Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { applyDecorators, RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import {
  ApiProduces,
  ApiProperty,
  ApiResponse,
  DocumentBuilder,
  SwaggerModule,
  type ApiResponseOptions,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';

/** One refused field of a VALIDATION_FAILED answer. */
export class ApiFieldProblem {
  @ApiProperty({ example: 'shop', description: 'Dotted path of the field' })
  field: string;

  @ApiProperty({ type: [String], example: ['shop must be 1-64 letters, digits, _ or -'] })
  problems: string[];

  @ApiProperty({ required: false, example: 'body', description: 'Where the field was: body or query' })
  location?: string;
}

/** The body of every error answer (DomainErrorFilter, the guard and the validation pipe). */
export class ApiErrorBody {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: "The feature's error code (its code enum)" })
  code: string;

  @ApiProperty({ example: 'request body is invalid' })
  message: string;

  @ApiProperty({ required: false, type: Object, additionalProperties: true })
  details?: Record<string, unknown>;

  @ApiProperty({
    required: false,
    type: [ApiFieldProblem],
    description: 'VALIDATION_FAILED only: which field, why',
    example: [{ field: 'shop', problems: ['shop must be 1-64 letters, digits, _ or -'] }],
  })
  errors?: { field: string; problems: string[] }[];
}

/**
 * The domain error codes a route can answer with, by HTTP status: `@ApiErrors({ 404: ['NOT_FOUND'] })`.
 * 400 VALIDATION_FAILED and (for non-public routes) 401/403 are added by describeApi itself.
 */
export function ApiErrors(byStatus: Record<number, string[]>): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): any => {
    for (const [status, codes] of Object.entries(byStatus)) {
      ApiResponse({
        status: Number(status),
        description: codes.join(' | '),
        type: ApiErrorBody,
        example: { code: codes[0], message: codes[0].toLowerCase().replace(/_/g, ' ') },
      })(target, key as string, descriptor as PropertyDescriptor);
    }
    return descriptor ?? target;
  };
}

/**
 * On a controller class: every route of it answers `options` on success, with the route's own
 * status (its @HttpCode, else 201 for POST and 200 otherwise) unless `status` is given. Swagger's
 * class-level responses lose to each route's default success response, hence per route.
 */
export function ApiEveryRouteAnswers(
  options: { description: string; status?: number } & Record<string, any>,
): ClassDecorator {
  return (target) => {
    for (const key of Object.getOwnPropertyNames(target.prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
      const handler = descriptor?.value;
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined)
        continue;
      const status =
        options.status ??
        Reflect.getMetadata(HTTP_CODE_METADATA, handler) ??
        (Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.POST ? 201 : 200);
      ApiResponse({ ...options, status } as ApiResponseOptions)(target.prototype, key, descriptor!);
    }
  };
}

/** A customer page controller: each route answers an HTML page in the customer's language (200). */
export function ApiHtmlPage(description: string, errors: Record<number, string[]>): ClassDecorator {
  const html = { 'text/html': { schema: { type: 'string' } } };
  return applyDecorators(
    ApiProduces('text/html'),
    ApiEveryRouteAnswers({ status: 200, description, content: html }),
    ...Object.entries(errors).map(([status, codes]) =>
      ApiResponse({
        status: Number(status),
        description: `An HTML page saying so: ${codes.join(' | ')}`,
        content: html,
      }),
    ),
  );
}

type Operation = Record<string, any>;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/**
 * One service's OpenAPI description, from its controllers and DTOs (no hand-written spec), with what
 * only our decorators know: `x-roles` (who may call) or `x-public` (why no token is needed), bearer
 * auth, and the 400/401/403 answers the global pipe and guard give. Works on an app created with
 * `{ preview: true }` too, so the description can be emitted without a database.
 */
export function buildApiDocument(app: INestApplication, service: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`Siyu ${service} API`)
    .setDescription(
      'Every route lists its roles in `x-roles` (or why it is public in `x-public`). Errors answer `ApiErrorBody` with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ApiErrorBody, ApiFieldProblem],
  });
  const routes = routeMetadata(app);
  const seenIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op: Operation | undefined = (item as any)[method];
      if (!op) continue;
      const route = routes.get(`${method} ${path}`);
      if (route?.public) {
        op['x-public'] = route.public;
      } else if (route?.roles?.length) {
        op['x-roles'] = route.roles;
        op.security = [{ bearer: [] }];
        op.description = [op.description, `Roles: ${route.roles.join(', ')}.`].filter(Boolean).join('\n\n');
        op.responses['401'] ??= errorResponse('TOKEN_MISSING | TOKEN_INVALID', 'TOKEN_MISSING');
        op.responses['403'] ??= errorResponse('ROLE_NOT_ALLOWED', 'ROLE_NOT_ALLOWED');
      }
      if ((op.parameters?.length || op.requestBody) && !op.responses['400'])
        op.responses['400'] = errorResponse('VALIDATION_FAILED: which field, why', 'VALIDATION_FAILED');
      errorBodiesAreJson(op);
      // Two services may name a controller alike (ContactKeysController): keep operation ids unique.
      if (seenIds.has(op.operationId)) op.operationId = `${op.operationId}_${path.split('/')[3] ?? 'x'}`;
      seenIds.add(op.operationId);
    }
  }
  optionalBodyFieldsTakeNull(document);
  return document;
}

/** Serves the description at `/api-json` and its UI at `/api/docs`. */
export function describeApi(app: INestApplication, service: string): OpenAPIObject {
  const document = buildApiDocument(app, service);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api-json' });
  return document;
}

/** What every described operation must carry; the route test and the build check use it. */
export function undescribedOperations(document: OpenAPIObject): string[] {
  const problems: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op: Operation | undefined = (item as any)[method];
      if (!op) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const success = Object.entries(op.responses ?? {}).filter(([s]) => /^[23]\d\d$/.test(s));
      if (success.length === 0) problems.push(`${name}: no success response described`);
      for (const [status, r] of success as [string, any][]) {
        if (status === '204' || /^3/.test(status)) continue;
        if (!r.content) problems.push(`${name}: ${status} response has no content type / schema`);
      }
      if (!op['x-public'] && !op['x-roles']?.length)
        problems.push(`${name}: no roles (x-roles) and not public`);
      const errors = Object.keys(op.responses ?? {}).filter((s) => /^[45]\d\d$/.test(s));
      if (errors.length === 0) problems.push(`${name}: no error response described`);
    }
  }
  return problems;
}

/**
 * class-validator's `@IsOptional()` accepts null as well as absence, and the handlers treat both
 * alike; the request bodies' optional properties say so (`nullable`), so clients and the fuzzer know.
 */
function optionalBodyFieldsTakeNull(document: OpenAPIObject): void {
  const schemas = new Set<any>();
  for (const item of Object.values(document.paths))
    for (const method of HTTP_METHODS)
      for (const media of Object.values(((item as any)[method]?.requestBody?.content ?? {}) as any[])) {
        if (media.schema?.properties) schemas.add(media.schema);
        for (const m of JSON.stringify(media).matchAll(/#\/components\/schemas\/([^"]+)/g))
          schemas.add(document.components?.schemas?.[m[1]]);
      }
  for (const schema of schemas)
    for (const [prop, def] of Object.entries((schema?.properties ?? {}) as Record<string, any>))
      if (!(schema.required ?? []).includes(prop) && !def.$ref && def.nullable === undefined)
        def.nullable = true;
}

/**
 * A route producing PNG, SVG, HTML or XML still answers its errors as `ApiErrorBody` JSON (the
 * DomainErrorFilter sets the type): `@ApiProduces` put the route's media type on them too.
 */
function errorBodiesAreJson(op: Operation): void {
  for (const [status, response] of Object.entries(op.responses ?? {}) as [string, any][]) {
    if (!/^[45]/.test(status) || !response.content) continue;
    const media = Object.entries(response.content) as [string, any][];
    const error = media.find(([, m]) => m.schema?.$ref === '#/components/schemas/ApiErrorBody');
    if (error && error[0] !== 'application/json') response.content = { 'application/json': error[1] };
  }
}

function errorResponse(description: string, code: string) {
  return {
    description,
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/ApiErrorBody' },
        example: { code, message: code.toLowerCase().replace(/_/g, ' ') },
      },
    },
  };
}

interface RouteFacts {
  roles?: string[];
  public?: string;
}

/** `"get /api/v1/x/{id}"` → roles/public, read from the same metadata the AuthGuard reads. */
function routeMetadata(app: INestApplication): Map<string, RouteFacts> {
  const out = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller?.prototype) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat()[0] as string;
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = Object.getOwnPropertyDescriptor(controller.prototype, key)?.value;
        if (typeof handler !== 'function' || key === 'constructor') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler);
        if (sub === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]?.toLowerCase();
        const facts: RouteFacts = {
          public: Reflect.getMetadata(PUBLIC_KEY, handler) ?? Reflect.getMetadata(PUBLIC_KEY, controller),
          roles: Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller),
        };
        for (const p of [sub].flat() as string[]) out.set(`${method} ${openApiPath(base, p)}`, facts);
      }
    }
  }
  return out;
}

function openApiPath(base: string, sub: string): string {
  const joined = `/${base}/${sub}`.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
