import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { installHttpEdge } from '@siyu/http';
import { TOPICS } from '@siyu/contracts';
import { generateSecretsEnv } from '@siyu/crypto';
import { InProcessTransport } from '@siyu/messaging';
import { installObservability, JsonLogger } from '@siyu/observability';
import { createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { StandaloneModule } from '../src/standalone.module';
import {
  forbiddenInEvents,
  spyOnEvents,
  walkingSkeleton,
  type SkeletonHarness,
} from './walking-skeleton.flow';

/** Standalone as `npm start` wires it: JSON logger, request ids, metrics, readiness, the page at `/`. */
describe('operating standalone: front door, readiness, metrics and logs without PII', () => {
  let app: INestApplication;
  let harness: SkeletonHarness;
  let events: string[];
  const lines: string[] = [];

  beforeAll(async () => {
    const adminUrl = await createTestDatabase('observe');
    const authKeys = testAuthKeys();
    const secrets = generateSecretsEnv();
    const transport = new InProcessTransport(3);
    events = await spyOnEvents(transport, Object.values(TOPICS));
    const logger = new JsonLogger({
      service: 'standalone',
      brand: 'demo',
      format: 'json',
      level: 'debug',
      sink: (l) => lines.push(l),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        StandaloneModule.register({
          adminDatabaseUrl: adminUrl,
          transport,
          env: secrets,
          authKeys,
          brand: { id: 'demo', name: '示例品牌', signature: '示例品牌', contact: 'privacy@example.com' },
          publicBaseUrl: 'http://127.0.0.1:3000',
          announce: (line) => logger.log(line, 'announce'),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ rawBody: true, logger });
    installObservability(app, 'standalone', logger);
    installHttpEdge(app, authKeys);
    await app.init();
    const server = app.getHttpServer();
    // Ready once consent's first watermark heartbeat reached outreach (an orchestrator polls the same way).
    await waitFor(
      async () => (await request(app.getHttpServer()).get('/api/v1/health/ready')).status === 200,
      'readiness',
    );
    harness = {
      adminUrl,
      authKeys,
      secrets,
      http: { orders: server, consent: server, audience: server, outreach: server },
    };
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers `/` with a page that links health, readiness and metrics, and every link on it works', async () => {
    const page = await request(app.getHttpServer()).get('/').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('Siyu (私域) is running');
    for (const path of [
      '/api/v1/health',
      '/api/v1/health/ready',
      '/metrics',
      '/q/&lt;token&gt;',
      '/u/&lt;token&gt;',
      '/p/&lt;token&gt;',
    ])
      expect(page.text).toContain(path);
    const hrefs = [...page.text.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThanOrEqual(3);
    for (const href of hrefs) {
      const res = await request(app.getHttpServer()).get(href);
      expect({ href, status: res.status }).toEqual({ href, status: 200 });
    }
  });

  it('is live, and ready once every service reaches its database, its outbox is current and the consent watermark is fresh', async () => {
    const live = await request(app.getHttpServer()).get('/api/v1/health').expect(200);
    expect(live.body.status).toBe('ok');
    const ready = await request(app.getHttpServer()).get('/api/v1/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
    for (const service of ['identity', 'orders', 'consent', 'audience', 'outreach']) {
      expect(ready.body.details[`${service}.database`]).toEqual({ status: 'up' });
      expect(ready.body.details[`${service}.outbox`]).toMatchObject({ status: 'up', maxAgeSeconds: 60 });
    }
    expect(ready.body.details['outreach.consent-watermark']).toMatchObject({ status: 'up', boundMs: 1000 });
    // In-process transport: there is no broker to check.
    expect(ready.body.details['outreach.broker']).toBeUndefined();
  });

  it('drives the skeleton flow, logs one JSON line per event with request id, service and brand, and no line holds the fixture’s PII', async () => {
    lines.length = 0;
    await walkingSkeleton(harness, events);
    const requests = lines.map((l) => JSON.parse(l)).filter((r) => r.msg === 'http request');
    expect(requests.length).toBeGreaterThan(10);
    for (const r of requests) {
      expect(r).toMatchObject({ service: 'standalone', brand: 'demo', level: 'info' });
      expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
      // Route patterns, never raw paths: paths carry signed tokens and order refs.
      expect(r.route).not.toMatch(/\/(q|u|p)\/[A-Za-z0-9_-]{20,}/);
    }
    expect(requests.some((r) => r.route === '/q/:token')).toBe(true);
    const forbidden = forbiddenInEvents();
    const hits = lines.flatMap((line) =>
      forbidden.filter((value) => line.includes(value)).map((value) => ({ value, line })),
    );
    expect(hits).toEqual([]);
  });

  it('exposes Prometheus metrics: latency by route pattern, outbox backlog and relay position per service', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/siyu_http_request_duration_seconds_bucket\{[^}]*route="\/q\/:token"/);
    for (const service of ['identity', 'orders', 'consent', 'audience', 'outreach'])
      expect(res.text).toMatch(new RegExp(`siyu_outbox_backlog\\{service="${service}"\\} \\d+`));
    expect(res.text).toMatch(/siyu_outbox_published_position\{service="consent"\} [1-9]\d*/);
    // The skeleton flow above imported a Tmall export of three rows.
    expect(res.text).toMatch(/siyu_import_rows_total\{platform="tmall",outcome="accepted"\} [1-9]/);
    expect(res.text).toMatch(/siyu_imports_total\{platform="tmall",status="completed"\} 1/);
    expect(res.text).toMatch(/siyu_consent_watermark_age_seconds\{service="outreach"\} \d/);
    // The skeleton's customer unsubscribed through the SMS's short link (/t/:code → consent's /u/:token):
    // the withdrawal reached outreach's send gate and audience, each observed once, after its commit.
    expect(res.text).toMatch(/siyu_http_request_duration_seconds_bucket\{[^}]*route="\/t\/:code"/);
    for (const service of ['outreach', 'audience'])
      expect(res.text).toMatch(
        new RegExp(`siyu_withdrawal_to_suppression_seconds_count\\{service="${service}"\\} [1-9]`),
      );
    // Every consumer group's lag per topic and partition; the flow is over, so nothing is left.
    expect(res.text).toMatch(
      /siyu_consumer_lag_messages\{group="outreach.consent",topic="consent.withdrawn.v1",partition="0"\} 0/,
    );
    expect(res.text).toMatch(
      /siyu_consumer_lag_messages\{group="audience.consent",topic="consent.granted.v1",partition="2"\} 0/,
    );
    expect(res.text).not.toContain(forbiddenInEvents()[0]);
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const kept = await request(app.getHttpServer()).get('/api/v1/health').set('X-Request-Id', 'lb-abc.123');
    expect(kept.headers['x-request-id']).toBe('lb-abc.123');
    const replaced = await request(app.getHttpServer()).get('/api/v1/health').set('X-Request-Id', 'a b"c');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
