import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { DataSource } from 'typeorm';
import { type AuthKeys } from '@siyu/auth';
import { installHttpEdge } from '@siyu/http';
import {
  TOPICS,
  type Channel,
  type ConsentGrantedV1,
  type ConsentWatermarkV1,
  type ConsentWithdrawnV1,
  type SegmentMaterializedV1,
  type WithdrawalSource,
} from '@siyu/contracts';
import { generateSecretsEnv, loadContactKeys } from '@siyu/crypto';
import { InProcessTransport, type MessageTransport } from '@siyu/messaging';
import { bearer, createTestDatabase, testAuthKeys, waitFor } from '@siyu/testing';
import { OutreachModule } from '../src/outreach.module';
import { OUTREACH_DB, type OutreachModuleOptions } from '../src/outreach.options';

export const PARTITIONS = 3;

/**
 * Outreach alone over the in-process transport, fed the events consent and audience publish
 * (grants with sealed contact points, withdrawals, watermarks, segment versions) through its real
 * consumers.
 */
export class OutreachHarness {
  app!: INestApplication;
  ds!: DataSource;
  http!: App;
  adminUrl!: string;
  readonly authKeys: AuthKeys = testAuthKeys();
  readonly secrets = generateSecretsEnv();
  readonly transport: MessageTransport;
  private seq = 1;
  private heartbeat?: NodeJS.Timeout;
  private beating?: Promise<void>;
  // Withdrawals and watermarks in one queue, as consent's advisory lock orders them: a watermark
  // stamped after a withdrawal's commit is published after it.
  private consentOrder: Promise<unknown> = Promise.resolve();

  private inConsentOrder<T>(job: () => Promise<T>): Promise<T> {
    const next = this.consentOrder.then(job);
    this.consentOrder = next.catch(() => undefined);
    return next;
  }

  constructor(transport?: MessageTransport) {
    this.transport = transport ?? new InProcessTransport(PARTITIONS);
  }

  async start(overrides: Partial<OutreachModuleOptions> = {}, adminUrl?: string): Promise<this> {
    this.adminUrl = adminUrl ?? (await createTestDatabase('outreach'));
    const moduleRef = await Test.createTestingModule({
      imports: [
        OutreachModule.register({
          adminDatabaseUrl: this.adminUrl,
          transport: this.transport,
          env: this.secrets,
          brand: { id: 'demo', signature: '示例品牌' },
          publicBaseUrl: 'http://127.0.0.1:3002',
          runner: { pollMs: 50, leaseMs: 2000, chunkSize: 100 },
          freshnessWaitMs: 500,
          ...overrides,
        }),
      ],
    }).compile();
    this.app = moduleRef.createNestApplication({ logger: ['error'] });
    installHttpEdge(this.app, this.authKeys);
    await this.app.init();
    this.ds = this.app.get<DataSource>(OUTREACH_DB);
    this.http = this.app.getHttpServer();
    return this;
  }

  async stop(): Promise<void> {
    await this.stopHeartbeat();
    await this.app?.close();
  }

  private publish(topic: string, key: string, event: object, partition?: number): Promise<void> {
    return this.transport.publish([
      {
        topic,
        key,
        partition,
        value: JSON.stringify({
          eventId: randomUUID(),
          schemaVersion: 1,
          occurredAt: new Date().toISOString(),
          ...event,
        }),
      },
    ]);
  }

  /** consent.granted.v1 for SMS marketing, with the phone sealed as consent seals it. */
  async grant(subjectRef: string, phone: string): Promise<void> {
    return this.grantOn(subjectRef, 'sms', phone);
  }

  /**
   * consent.granted.v1 for marketing on one channel, its contact point sealed as consent seals it:
   * a phone (SMS), an openid (WeChat), or the WeCom contact `{"externalUserId","staffUserId"}`.
   */
  async grantOn(subjectRef: string, channel: Channel, contact: string, timeZone?: string): Promise<void> {
    const sealed = loadContactKeys(this.secrets).seal(contact, subjectRef);
    await this.publish(TOPICS.consentGranted, subjectRef, {
      type: 'consent.granted.v1',
      subjectRef,
      brandId: 'demo',
      purposes: ['marketing_messages'],
      channels: [channel],
      contactPoints: [{ channel, sealed }],
      noticeVersionHash: 'a'.repeat(64),
      door: 'parcel_qr',
      evidenceRef: randomUUID(),
      link: {},
      ...(timeZone ? { timeZone } : {}),
      ledgerSeq: this.seq++,
      effectiveAt: new Date().toISOString(),
    } satisfies Omit<ConsentGrantedV1, 'eventId' | 'schemaVersion' | 'occurredAt'>);
  }

  /** Resolves with the withdrawal's commit time (ms), once published. */
  async withdraw(
    subjectRef: string,
    source: WithdrawalSource = 'unsubscribe_link',
    channel: Channel = 'sms',
  ): Promise<number> {
    return this.inConsentOrder(async () => {
      const committedAt = Date.now();
      await this.publish(TOPICS.consentWithdrawn, subjectRef, {
        type: 'consent.withdrawn.v1',
        subjectRef,
        brandId: 'demo',
        purposes: ['marketing_messages'],
        channels: [channel],
        source,
        ledgerSeq: this.seq++,
        effectiveAt: new Date(committedAt).toISOString(),
      } satisfies Omit<ConsentWithdrawnV1, 'eventId' | 'schemaVersion' | 'occurredAt'>);
      return committedAt;
    });
  }

  /** One watermark per partition at `at` (default now), as consent's publisher does. */
  async watermark(at?: Date): Promise<void> {
    return this.inConsentOrder(() => this.publishWatermark(at ?? new Date()));
  }

  private async publishWatermark(at: Date): Promise<void> {
    for (let partition = 0; partition < PARTITIONS; partition++)
      await this.publish(
        TOPICS.consentWithdrawn,
        `watermark-${partition}`,
        { type: 'consent.watermark.v1', at: at.toISOString(), partition } satisfies Omit<
          ConsentWatermarkV1,
          'eventId' | 'schemaVersion' | 'occurredAt'
        >,
        partition,
      );
  }

  /**
   * Consent's watermark publisher: one beat at a time, like consent's recurring job. A beat that is
   * still being handled when the next is due skips it rather than queueing: queued beats would each
   * be stamped when they finally run, so a backlog built up on a loaded machine kept the projection
   * fresh for seconds after stopHeartbeat() and a test holding a run by a stale projection never saw
   * it pause.
   */
  startHeartbeat(everyMs = 100): void {
    clearInterval(this.heartbeat);
    const beat = () => {
      if (this.beating) return;
      this.beating = this.watermark()
        .catch(() => undefined)
        .finally(() => {
          this.beating = undefined;
        });
    };
    beat();
    this.heartbeat = setInterval(beat, everyMs);
  }

  /** Resolves once no watermark is in flight: from then on, none reaches outreach until startHeartbeat(). */
  async stopHeartbeat(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.beating;
  }

  async materialize(
    segmentId: string,
    version: number,
    subjectRefs: string[],
    channel: Channel = 'sms',
  ): Promise<void> {
    const parts = Math.max(1, Math.ceil(subjectRefs.length / 5000));
    for (let part = 0; part < parts; part++)
      await this.publish(TOPICS.segmentMaterialized, segmentId, {
        type: 'audience.segment-materialized.v1',
        segmentId,
        brandId: 'demo',
        version,
        purpose: 'marketing_messages',
        channel,
        part,
        parts,
        size: subjectRefs.length,
        subjectRefs: subjectRefs.slice(part * 5000, (part + 1) * 5000),
      } satisfies Omit<SegmentMaterializedV1, 'eventId' | 'schemaVersion' | 'occurredAt'>);
  }

  async marketer(): Promise<string> {
    return bearer(this.authKeys, 'marketer');
  }

  /** A marketing template declared for a vendor (sandbox by default); Tencent's by position. */
  async declareTemplate(
    vendor: 'sandbox' | 'aliyun' | 'tencent' = 'sandbox',
    code = vendor === 'tencent'
      ? String(2_000_000 + Math.floor(Math.random() * 999_999))
      : `SMS_${randomUUID().slice(0, 8)}`,
  ): Promise<string> {
    const res = await request(this.http)
      .post('/api/v1/outreach/templates')
      .set('Authorization', await this.marketer())
      .send({
        vendor,
        signName: '示例品牌',
        templateCode: code,
        name: 'winter',
        ...(vendor === 'tencent'
          ? {
              content: '广告 冬季会员价，券码{1} 退订{2} 拒收请回复R',
              variableNames: ['offer_code', 'unsubscribe_link'],
            }
          : { content: '广告 冬季会员价，券码${offer_code} 退订${unsubscribe_link} 回T退订' }),
        kind: 'marketing',
      })
      .expect(201);
    return res.body.id;
  }

  async createCampaign(
    segmentId: string,
    templateId: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const res = await request(this.http)
      .post('/api/v1/outreach/campaigns')
      .set('Authorization', await this.marketer())
      .send({
        name: 'winter',
        segmentId,
        purpose: 'marketing_messages',
        channel: 'sms',
        templateId,
        variants: [{ name: 'A', variables: { offer_code: 'WINTER8' } }],
        schedule: { kind: 'now' },
        // Tests run at any hour: the whole day is a sending window unless a test says otherwise.
        quietHours: { start: '00:00', end: '24:00' },
        ...extra,
      });
    if (res.status !== 201)
      throw new Error(`campaign not created: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }

  async startRun(campaignId: string): Promise<string> {
    const res = await request(this.http)
      .post(`/api/v1/outreach/campaigns/${campaignId}/runs`)
      .set('Authorization', await this.marketer())
      .expect(202);
    return res.body.id;
  }

  async run(runId: string): Promise<any> {
    const res = await request(this.http)
      .get(`/api/v1/outreach/runs/${runId}`)
      .set('Authorization', await this.marketer())
      .expect(200);
    return res.body;
  }

  async waitForRun(runId: string, state: string, timeoutMs = 20_000): Promise<any> {
    return waitFor(
      async () => {
        const r = await this.run(runId);
        return r.state === state ? r : null;
      },
      `run ${runId} ${state}`,
      timeoutMs,
    );
  }
}
