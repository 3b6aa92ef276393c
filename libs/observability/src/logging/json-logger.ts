import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import { maskPartialPhones, redactFields, withholdDetectedPii } from './redaction';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The request a log line belongs to (set by the HTTP edge for everything the request causes). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

// Nest's own start-up chatter (one line per module and route) is debug, not an event.
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

export interface JsonLoggerOptions {
  service: string;
  brand?: string;
  /** json (one JSON object per line) or text (the same fields, for a person at a terminal). */
  format?: 'json' | 'text';
  level?: Level;
  /** Where lines go (default stdout); tests capture them here. */
  sink?: (line: string) => void;
}

/**
 * One line per event: time, level, service, brand, request id, context, message and fields. Listed
 * PII fields are redacted, and a line in which the PII detector still finds personal data is
 * withheld (R16: PII never appears in logs).
 */
export class JsonLogger implements LoggerService {
  private readonly sink: (line: string) => void;
  private readonly min: number;

  constructor(private readonly options: JsonLoggerOptions) {
    this.sink = options.sink ?? ((line) => process.stdout.write(`${line}\n`));
    this.min = ORDER[options.level ?? 'info'];
  }

  /** LOG_FORMAT (json | text; default json unless stdout is a terminal), LOG_LEVEL, BRAND_ID. */
  static fromEnv(service: string, env: Record<string, string | undefined>): JsonLogger {
    const format = env.LOG_FORMAT === 'text' || env.LOG_FORMAT === 'json' ? env.LOG_FORMAT : undefined;
    const level = env.LOG_LEVEL && env.LOG_LEVEL in ORDER ? (env.LOG_LEVEL as Level) : undefined;
    return new JsonLogger({
      service,
      brand: env.BRAND_ID ?? 'demo',
      format: format ?? (process.stdout.isTTY ? 'text' : 'json'),
      level,
    });
  }

  event(level: Level, message: string, fields: Record<string, unknown> = {}, context?: string): void {
    if (ORDER[level] < this.min) return;
    const record = {
      time: new Date().toISOString(),
      level,
      service: this.options.service,
      ...(this.options.brand ? { brand: this.options.brand } : {}),
      ...(requestContext.getStore() ? { requestId: requestContext.getStore()!.requestId } : {}),
      ...(context ? { context } : {}),
      msg: message,
      ...(redactFields(fields) as Record<string, unknown>),
    };
    const line = maskPartialPhones(
      this.options.format === 'text'
        ? `${record.time} ${level.toUpperCase()} [${record.service}${context ? `/${context}` : ''}] ${message}${
            Object.keys(fields).length ? ` ${JSON.stringify(redactFields(fields))}` : ''
          }`
        : JSON.stringify(record),
    );
    const checked = withholdDetectedPii(line);
    if (checked.withheld.length === 0) {
      this.sink(line);
      return;
    }
    // Fields and message are dropped; what is left (time, service, request id) cannot carry PII.
    const { time, service, brand, requestId } = record as typeof record & { requestId?: string };
    this.sink(
      JSON.stringify({
        time,
        level: 'error',
        service,
        brand,
        requestId,
        context,
        msg: `log line withheld: it contained ${checked.withheld.join(', ')}`,
      }),
    );
  }

  log(message: unknown, context?: string): void {
    this.event(FRAMEWORK_CONTEXTS.has(context ?? '') ? 'debug' : 'info', describe(message), {}, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?): the stack stays out (messages never carry PII; stacks may quote data).
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    this.event('error', describe(message), {}, context);
  }
  warn(message: unknown, context?: string): void {
    this.event('warn', describe(message), {}, context);
  }
  debug(message: unknown, context?: string): void {
    this.event('debug', describe(message), {}, context);
  }
  verbose(message: unknown, context?: string): void {
    this.event('debug', describe(message), {}, context);
  }
}

function describe(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return `${message.name}: ${message.message}`;
  return JSON.stringify(redactFields(message));
}
