import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { DirtyMembersRepository } from '../features/dirty-members.repository';
import { MemberChangesRepository } from '../features/member-changes.repository';
import { TagModelsRepository } from '../predictions/tag-models.repository';
import { tagsIn } from '../rule-language/rule';
import { MemberTagsRepository } from './member-tags.repository';
import type { TagDefinition } from './tag-definition';
import { TagDefinitionsRepository } from './tag-definitions.repository';

/**
 * Members per refresh batch. With REFRESH_WORKERS batches at once, 10,000 changed members are two
 * batches computed side by side (docs/benchmarks.md: one batch of 10,000 kept one core busy).
 */
export const REFRESH_BATCH = 5000;
/** Batches computed at once by default (AudienceModuleOptions.refreshWorkers). */
export const REFRESH_WORKERS = 2;

/**
 * Incremental recomputation: members whose facts, consents or opt-outs changed are "dirty"; a batch
 * of them gets features and fact tags in one statement that reads the batch's member rows and facts
 * once, then model and prediction tags, one set-based statement per definition over the whole batch
 * (no loop per member). One transaction per batch. Each statement computes its rows first and
 * writes only those that differ from what is stored (docs/benchmarks.md: rewriting every row of the
 * batch was most of the refresh's time); a member who lost a tag loses its row in the same statement.
 */
@Injectable()
export class RefreshMemberTags {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly dirty: DirtyMembersRepository,
    private readonly tags: MemberTagsRepository,
    private readonly definitions: TagDefinitionsRepository,
    private readonly models: TagModelsRepository,
    private readonly changes: MemberChangesRepository,
  ) {}

  /**
   * Refreshes dirty members until a claim consumes no mark (a claim also drops the marks of members
   * who have gone, so a short batch does not mean none is left; marks of members another writer
   * holds stay for the next refresh); returns how many were recomputed. `workers` loops claim and
   * compute batches side by side, each batch its own transaction: a claim skips the marks and the
   * members another batch holds, so no member is in two batches.
   */
  async execute(
    batchSize = REFRESH_BATCH,
    workers = this.options.refreshWorkers ?? REFRESH_WORKERS,
  ): Promise<number> {
    // Settled, not Promise.all: a failing worker does not leave the others running after this returns.
    const done = await Promise.allSettled(
      Array.from({ length: Math.max(1, workers) }, () => this.refreshUntilClean(batchSize)),
    );
    const failed = done.find((d) => d.status === 'rejected');
    if (failed) throw failed.reason;
    return done.reduce((a, d) => a + (d.status === 'fulfilled' ? d.value : 0), 0);
  }

  private async refreshUntilClean(batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const { refreshed, consumed } = await this.ds.transaction((tx) => this.refreshBatch(tx, batchSize));
      total += refreshed;
      if (consumed === 0) return total;
    }
  }

  /** A full rebuild (a new definition version): every member of the brand is marked dirty, then refreshed. */
  async rebuild(batchSize = REFRESH_BATCH): Promise<number> {
    await this.ds.transaction((tx) => this.dirty.markBrand(tx, this.options.brandId));
    return this.execute(batchSize);
  }

  private async refreshBatch(
    tx: EntityManager,
    batchSize: number,
  ): Promise<{ refreshed: number; consumed: number }> {
    const brandId = this.options.brandId;
    const { batch, consumed } = await this.dirty.claim(tx, brandId, batchSize);
    if (batch.length === 0) return { refreshed: 0, consumed };
    const defs = orderByDependency(await this.definitions.current(tx, brandId));
    const ctx = {
      tags: await this.definitions.infos(tx, brandId),
      sensitiveProductCategories: await this.definitions.sensitiveProductCategories(tx, brandId),
    };
    await this.tags.useRefreshMemory(tx);
    // One statement reads the batch's member rows and facts once: features and every fact tag,
    // each written by difference (only changed rows are written, vanished ones deleted).
    await this.tags.computeFeaturesAndFactTags(
      tx,
      batch,
      defs.filter((d) => d.layer === 'fact'),
    );
    for (const d of defs) {
      if (d.layer === 'fact') continue;
      if (d.layer === 'model') await this.tags.computeModelTag(tx, d, batch, ctx);
      else {
        const model = await this.models.latest(tx, brandId, d.key, d.version);
        // An untrained prediction tag has no score yet (POST …/tags/:key/train): none is kept.
        if (model) await this.tags.computePredictionTag(tx, d, model, batch);
        else await this.tags.deleteKeysFor(tx, batch, [d.key]);
      }
    }
    // Self-refreshing segments re-evaluate these members (RefreshSegments).
    await this.changes.append(tx, brandId, batch);
    return { refreshed: batch.length, consumed };
  }
}

/** Fact tags, then model tags after the model tags they refer to, then prediction tags. */
export function orderByDependency(defs: TagDefinition[]): TagDefinition[] {
  const facts = defs.filter((d) => d.layer === 'fact');
  const models = defs.filter((d) => d.layer === 'model');
  const placed: TagDefinition[] = [];
  const done = new Set(facts.map((d) => d.key));
  let pending = models;
  while (pending.length > 0) {
    const ready = pending.filter((d) =>
      tagsIn(d.model!.rule).every((k) => done.has(k) || !models.some((m) => m.key === k)),
    );
    // A cycle cannot be defined (a rule refers to existing tags only); if one appears, keep going.
    const next = ready.length > 0 ? ready : [pending[0]];
    for (const d of next) {
      placed.push(d);
      done.add(d.key);
    }
    pending = pending.filter((d) => !next.includes(d));
  }
  return [...facts, ...placed, ...defs.filter((d) => d.layer === 'prediction')];
}
