import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { requestContext, type JsonLogger } from './logging/json-logger';
import { siyuMetrics } from './metrics/metrics';

interface EdgeRequest {
  method: string;
  baseUrl?: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
}
interface EdgeResponse {
  statusCode: number;
  setHeader(name: string, value: string): void;
  once(event: 'finish', listener: () => void): void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * What every service's HTTP edge adds for operations: a request id (taken from `X-Request-Id` when
 * well-formed, else new; echoed back) that every log line of the request carries; one log line per
 * request; the latency histogram. Both name the route pattern (`/u/:token`), never the raw path:
 * paths carry signed tokens and order refs.
 */
export function installObservability(app: INestApplication, service: string, logger: JsonLogger): void {
  app.use((req: EdgeRequest, res: EdgeResponse, next: () => void) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      siyuMetrics.httpDuration.observe(
        { service, method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      requestContext.run({ requestId }, () =>
        logger.event('info', 'http request', {
          method: req.method,
          route,
          status: res.statusCode,
          durationMs: Math.round(seconds * 10000) / 10,
        }),
      );
    });
    requestContext.run({ requestId }, next);
  });
}
