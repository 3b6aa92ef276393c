import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ServiceMessaging } from '@siyu/messaging';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { MemberChangesRepository } from '../features/member-changes.repository';
import { publishSegmentChange, publishSegmentVersion } from './publish-segment-version';
import { SegmentCompiler } from './segment-compiler';
import { SegmentRepository, type SegmentVersion } from './segment.repository';

/** Whole evaluation at least this often: time windows ("in the last 90 days") move without any change. */
export const DEFAULT_FULL_REFRESH_MS = 3_600_000;
/** More changed members than this since the last version: evaluate whole (cheaper than probing each). */
export const INCREMENTAL_LIMIT = 50_000;
/**
 * From this many changed members on, they are evaluated with the rule's set form over their own
 * rows (the among form, see SegmentQuery.amongFromWhere) instead of probes per member.
 */
export const DEFAULT_SET_FORM_FROM = 1000;
/** Segments evaluated at once (each statement is PostgreSQL's work: one core each). */
export const DEFAULT_SEGMENT_REFRESH_WORKERS = 2;

export interface SegmentRefresh {
  segmentId: string;
  /** null: nothing changed, no new version. */
  version: SegmentVersion | null;
  evaluated: 'full' | 'incremental' | 'nothing-changed';
}

/**
 * Automatic refresh of materialised segments. Incremental: only the members logged in
 * member_changes since the segment's last version are evaluated again (the rule's row form, a few
 * index probes each; from DEFAULT_SET_FORM_FROM members on, each rule leaf's set built from their
 * rows only), and the new version is written, and published, as who joined and who left
 * (`audience.segment-version-changed.v1`). Whole: when the last whole evaluation is older than
 * segmentFullRefreshEveryMs, or too many members changed; a whole evaluation publishes the whole
 * version (`audience.segment-materialized.v1`). A new version exists only when membership changed
 * (or to hand a version known only as changes over whole); every version stays readable.
 * Consent withdrawals do not wait for this: they delete the member's memberships at once (R10).
 * Deletions that no consent event tells consumers about (personalisation off, a category closed,
 * facts revoked: R10/R11) mark the segment `whole_owed`; its next refresh, incremental or not,
 * publishes the whole version, even if the evaluation itself changed nothing.
 */
@Injectable()
export class RefreshSegments {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly segments: SegmentRepository,
    private readonly compiler: SegmentCompiler,
    private readonly messaging: ServiceMessaging,
    private readonly changes: MemberChangesRepository,
  ) {}

  async execute(now = new Date()): Promise<SegmentRefresh[]> {
    const brandId = this.options.brandId;
    const ids = await this.segments.autoRefreshed(this.ds.manager, brandId);
    const out: SegmentRefresh[] = [];
    if (ids.length > 0) {
      // Segments refreshed up to the same change read the same changed members: read them once.
      const changedSince = new Map<string, Promise<string[] | null>>();
      const workers = Math.max(
        1,
        Math.min(ids.length, this.options.segmentRefreshWorkers ?? DEFAULT_SEGMENT_REFRESH_WORKERS),
      );
      // Every connection is taken before the lock: member data changes queued behind the lock hold
      // connections of the same pool, and a worker waiting for one of them would wait forever.
      const guard = this.ds.createQueryRunner();
      const runners = Array.from({ length: workers }, () => this.ds.createQueryRunner());
      try {
        await guard.connect();
        for (const r of runners) await r.connect();
        // `workers` segments at a time, each in its own transaction, while the guard's transaction
        // holds the brand's evaluation lock, exclusive, for that group only: no member data change is
        // in flight meanwhile, so every logged change up to the latest one is committed and none can
        // race the writes (R10, R11). Between groups the lock is free, so a withdrawal waits for at
        // most one group, as it waited for one segment when they were refreshed one by one.
        for (let at = 0; at < ids.length; at += workers) {
          const group = ids.slice(at, at + workers);
          await guard.startTransaction();
          try {
            await this.segments.holdEvaluation(guard.manager, brandId);
            const settled = await Promise.allSettled(
              group.map((id, i) =>
                inTransaction(runners[i], (tx) => this.refreshOne(tx, id, now, changedSince)),
              ),
            );
            for (const r of settled) {
              if (r.status === 'rejected') throw r.reason;
              if (r.value) out.push(r.value);
            }
          } finally {
            await guard.rollbackTransaction();
          }
        }
      } finally {
        await Promise.all([guard, ...runners].map((r) => r.release()));
      }
    }
    await this.ds.transaction((tx) => this.changes.prune(tx, brandId));
    if (out.some((r) => r.version)) this.messaging.relay.kick();
    return out;
  }

  private async refreshOne(
    tx: EntityManager,
    id: string,
    now: Date,
    changedSince: Map<string, Promise<string[] | null>>,
  ): Promise<SegmentRefresh | null> {
    const brandId = this.options.brandId;
    // The caller holds the evaluation lock: every logged change up to `upTo` is committed.
    const segment = await this.segments.lock(tx, brandId, id);
    if (!segment || !segment.autoRefresh || segment.version === 0) return null;
    const query = await this.compiler.compile(tx, segment);
    const upTo = await this.changes.latestSeq(tx, brandId);
    const fullEvery = this.options.segmentFullRefreshEveryMs ?? DEFAULT_FULL_REFRESH_MS;
    let changed: string[] | null = null;
    if (segment.evaluatedAt && now.getTime() - segment.evaluatedAt.getTime() < fullEvery) {
      // The log up to `upTo` is committed and only pruned after every segment is refreshed.
      const range = `${segment.changeSeq}:${upTo}`;
      if (!changedSince.has(range))
        changedSince.set(
          range,
          this.changes.changedBetween(tx, brandId, segment.changeSeq, upTo, INCREMENTAL_LIMIT),
        );
      changed = await changedSince.get(range)!;
    }
    // Members were deleted from the current version outside a refresh (personalisation off, a
    // category closed, facts revoked): consumers learn it only from a whole version (R11).
    const wholeOwed = segment.wholeOwed;
    const version = segment.version + 1;
    let delta: { size: number; joined: string[] | number; left: string[] | number };
    if (changed === null) {
      await this.segments.useEvaluationMemory(tx);
      delta = await this.segments.writeFullVersion(tx, segment.id, version, query);
    } else {
      if (changed.length === 0 && !wholeOwed)
        return { segmentId: id, version: null, evaluated: 'nothing-changed' };
      // Only the changed members are evaluated (the rule's row form, or its set form for many) and
      // compared with the latest version, and the difference written, in one statement.
      const setForm = changed.length >= (this.options.segmentSetFormFrom ?? DEFAULT_SET_FORM_FROM);
      if (setForm) await this.segments.useEvaluationMemory(tx);
      const { size, joined, left } = await this.segments.applyChangesAmong(
        tx,
        segment.id,
        version,
        query,
        changed,
        setForm ? 'set' : 'row',
        wholeOwed,
      );
      delta = { size: size ?? 0, joined, left };
    }
    const kind = changed === null ? 'full' : 'incremental';
    await this.segments.markEvaluated(tx, segment.id, upTo, kind === 'full');
    const count = (x: string[] | number) => (typeof x === 'number' ? x : x.length);
    if (count(delta.joined) + count(delta.left) === 0) {
      // Consumers that keep versions whole got the latest one only as a change: a whole evaluation
      // that changes nothing hands it over whole once (as a new version with no change); so does
      // one owed after members were deleted from the current version.
      const latest = await this.segments.latestVersionKind(tx, segment.id);
      if (!wholeOwed && (kind === 'incremental' || latest !== 'incremental'))
        return { segmentId: id, version: null, evaluated: kind };
    }
    const v: SegmentVersion = {
      segmentId: id,
      version,
      kind,
      size: delta.size,
      joined: count(delta.joined),
      left: count(delta.left),
      createdBy: 'auto-refresh',
    };
    await this.segments.recordVersion(tx, v);
    if (wholeOwed || typeof delta.joined === 'number' || typeof delta.left === 'number')
      await publishSegmentVersion(tx, this.segments, segment, version, delta.size);
    else await publishSegmentChange(tx, segment, version, delta.size, delta.joined, delta.left);
    return { segmentId: id, version: v, evaluated: kind };
  }
}

/** Runs `work` in its own transaction on `runner`: committed if it returns, rolled back if it throws. */
async function inTransaction<T>(runner: QueryRunner, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (err) {
    await runner.rollbackTransaction();
    throw err;
  }
}
