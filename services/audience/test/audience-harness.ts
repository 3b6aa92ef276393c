import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { TOPICS, type Channel, type Purpose, type TagCategory } from '@siyu/contracts';
import { InboxConsumer, InProcessTransport, ServiceMessaging, type EventEffect } from '@siyu/messaging';
import { openServiceDataSource, provisionServiceDatabase } from '@siyu/persistence';
import { createTestDatabase } from '@siyu/testing';
import { AUDIENCE_MIGRATIONS } from '../src/audience.migrations';
import type { AudienceModuleOptions } from '../src/audience.options';
import { ReleasedFactsConsumer } from '../src/facts/released-facts.consumer';
import { ReleasedFactsRepository } from '../src/facts/released-facts.repository';
import { DirtyMembersRepository } from '../src/features/dirty-members.repository';
import { MemberChangesRepository } from '../src/features/member-changes.repository';
import { MemberFeaturesRepository } from '../src/features/member-features.repository';
import { ConsentEventsConsumer } from '../src/members/consent-events.consumer';
import { MemberDataRepository } from '../src/members/member-data.repository';
import { MemberRepository } from '../src/members/member.repository';
import { CategoryOptOutsRepository } from '../src/optouts/category-optouts.repository';
import { TagCategoriesConsumer } from '../src/optouts/tag-categories.consumer';
import { TagModelsRepository } from '../src/predictions/tag-models.repository';
import { MemberTagsRepository } from '../src/tags/member-tags.repository';
import { RefreshMemberTags } from '../src/tags/refresh-member-tags.use-case';
import { TagDefinitionsRepository } from '../src/tags/tag-definitions.repository';
import { ProductCategoriesRepository } from '../src/catalogue/product-categories.repository';
import { ReplaceCatalogue } from '../src/catalogue/replace-catalogue.use-case';
import { TrainPrediction } from '../src/predictions/train-prediction.use-case';
import { CreateSegment } from '../src/segments/create-segment.use-case';
import { ExplainMembership } from '../src/segments/explain-membership';
import { MaterializeSegment } from '../src/segments/materialize-segment.use-case';
import { PreviewSegment } from '../src/segments/preview-segment';
import { RefreshSegments } from '../src/segments/refresh-segments.use-case';
import { SegmentCompiler } from '../src/segments/segment-compiler';
import { SegmentRepository } from '../src/segments/segment.repository';
import { DefineTag } from '../src/tags/define-tag.use-case';
import { TagLineage } from '../src/tags/tag-lineage';

export const BRAND = 'demo';

/** A fresh audience database with every migration, and the consumers wired as the module wires them. */
export async function openAudience(label: string) {
  const adminUrl = await createTestDatabase(label);
  const ds: DataSource = await openServiceDataSource({
    database: await provisionServiceDatabase(adminUrl, 'audience'),
    entities: [],
    migrations: AUDIENCE_MIGRATIONS,
  });
  const transport = new InProcessTransport();
  const options: AudienceModuleOptions = { adminDatabaseUrl: adminUrl, transport, brandId: BRAND };
  const data = new MemberDataRepository();
  const tags = new MemberTagsRepository();
  const features = new MemberFeaturesRepository();
  const definitions = new TagDefinitionsRepository();
  const handlers: Record<string, EventEffect> = {
    ...new ConsentEventsConsumer(new MemberRepository(), data).handlers,
    ...new ReleasedFactsConsumer(new ReleasedFactsRepository(), data).handlers,
    ...new TagCategoriesConsumer(new CategoryOptOutsRepository(), data, tags, features, definitions).handlers,
  };
  const inbox = new InboxConsumer(ds, transport, {
    group: 'audience.test',
    topics: [
      TOPICS.consentGranted,
      TOPICS.consentWithdrawn,
      TOPICS.ordersFactsReleased,
      TOPICS.ordersFactsRevoked,
      TOPICS.tagCategoriesChanged,
    ],
    handlers,
    maxAttempts: 3,
    retryDelayMs: 10,
    onDeadLetter: (reason) => {
      throw new Error(`dead letter: ${reason}`);
    },
  });
  let offset = 0;
  const deliver = async (e: { type: string; subjectRef: string }) =>
    inbox.handle({
      topic: e.type,
      key: e.subjectRef,
      value: JSON.stringify(e),
      partition: 0,
      offset: String(offset++),
    });
  const changes = new MemberChangesRepository();
  const refresh = new RefreshMemberTags(
    ds,
    options,
    new DirtyMembersRepository(),
    tags,
    definitions,
    new TagModelsRepository(),
    changes,
  );
  const dirty = new DirtyMembersRepository();
  const models = new TagModelsRepository();
  const members = new MemberRepository();
  const segments = new SegmentRepository();
  const compiler = new SegmentCompiler(definitions);
  const messaging = new ServiceMessaging(ds, transport, { schema: 'audience', produces: [], consumers: [] });
  return {
    adminUrl,
    ds,
    options,
    transport,
    deliver,
    refresh,
    definitions,
    tags,
    segments,
    compiler,
    messaging,
    defineTag: new DefineTag(ds, options, definitions, dirty),
    train: new TrainPrediction(ds, options, definitions, models, dirty),
    catalogue: new ReplaceCatalogue(ds, options, new ProductCategoriesRepository(), dirty),
    createSegment: new CreateSegment(ds, options, segments, compiler),
    preview: new PreviewSegment(ds, options, segments, compiler),
    materialize: new MaterializeSegment(ds, options, segments, compiler, messaging, changes),
    refreshSegments: new RefreshSegments(ds, options, segments, compiler, messaging, changes),
    explain: new ExplainMembership(segments, compiler, members, tags, new CategoryOptOutsRepository()),
    lineage: new TagLineage(definitions, tags, new ReleasedFactsRepository(), models, members),
  };
}

let seq = 1;
const header = () => ({ eventId: randomUUID(), schemaVersion: 1, occurredAt: new Date().toISOString() });

export function grant(
  subjectRef: string,
  purposes: Purpose[] = ['marketing_messages', 'purchase_history', 'personalisation'],
  channels: Channel[] = ['sms'],
) {
  return {
    ...header(),
    type: 'consent.granted.v1',
    subjectRef,
    brandId: BRAND,
    purposes,
    channels,
    contactPoints: [],
    noticeVersionHash: 'a'.repeat(64),
    door: 'parcel_qr',
    evidenceRef: randomUUID(),
    link: { orderRef: randomUUID() },
    ledgerSeq: seq++,
    effectiveAt: new Date().toISOString(),
  };
}

export function withdrawal(subjectRef: string, purposes: Purpose[], channels: Channel[] = ['sms']) {
  return {
    ...header(),
    type: 'consent.withdrawn.v1',
    subjectRef,
    brandId: BRAND,
    purposes,
    channels,
    source: 'preference_centre',
    ledgerSeq: seq++,
    effectiveAt: new Date().toISOString(),
  };
}

export interface FactSpec {
  daysAgo: number;
  amountCents: number;
  skus?: string[];
  /** China-time hour of the order (default 10). */
  hour?: number;
  /** The platform the order was placed on (absent: an event from before the field existed). */
  platform?: 'tmall' | 'jd' | 'douyin' | 'kuaishou' | 'pinduoduo' | 'youzan';
}

/**
 * An order placed at `hour` (China time) that is `daysAgo` whole days old now: its age is in
 * [daysAgo, daysAgo + 1) days whatever the time of day the test runs (setting the hour alone made
 * a 5-day-old order 4 days old when a test ran between 00:00 and 15:00 UTC).
 */
export function orderedAt(daysAgo: number, hour = 10): string {
  const notBefore = Date.now() - daysAgo * 86400_000;
  const d = new Date(notBefore);
  // hour in Asia/Shanghai (UTC+8)
  d.setUTCHours((hour + 24 - 8) % 24, 0, 0, 0);
  if (d.getTime() > notBefore) d.setTime(d.getTime() - 86400_000);
  return d.toISOString();
}

export function release(subjectRef: string, facts: FactSpec[], releaseId = randomUUID()) {
  return {
    ...header(),
    type: 'orders.facts-released.v1',
    subjectRef,
    brandId: BRAND,
    releaseId,
    facts: facts.map((f) => ({
      orderRef: randomUUID(),
      status: 'completed',
      amountCents: f.amountCents,
      orderedAt: orderedAt(f.daysAgo, f.hour),
      lines: (f.skus ?? ['SKU-1']).map((sku) => ({ sku, quantity: 1 })),
      ...(f.platform ? { platform: f.platform } : {}),
    })),
  };
}

export function revoke(subjectRef: string, releaseId: string) {
  return { ...header(), type: 'orders.facts-revoked.v1', subjectRef, brandId: BRAND, releaseId };
}

export function categoriesChanged(
  subjectRef: string,
  closedCategories: TagCategory[],
  changedAt = new Date(),
) {
  return {
    ...header(),
    type: 'consent.tag-categories-changed.v1',
    subjectRef,
    brandId: BRAND,
    closedCategories,
    changedAt: changedAt.toISOString(),
  };
}

/**
 * Every table of the audience schema (from information_schema) with the number of its rows whose
 * text mentions the subject ref anywhere (any column, JSON payloads included).
 */
export async function rowsAbout(ds: DataSource, subjectRef: string): Promise<Record<string, number>> {
  const tables: { table_name: string }[] = await ds.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'audience' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM audience."${table_name}" t WHERE strpos(t::text, $1) > 0`,
      [subjectRef],
    );
    out[table_name] = n;
  }
  return out;
}
