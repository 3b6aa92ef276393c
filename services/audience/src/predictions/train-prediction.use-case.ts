import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIENCE_DB, AUDIENCE_OPTIONS, type AudienceModuleOptions } from '../audience.options';
import { DirtyMembersRepository } from '../features/dirty-members.repository';
import { TagDefinitionsRepository } from '../tags/tag-definitions.repository';
import { TagError, TagErrorCode } from '../tags/tags.errors';
import { trainLogistic, type TrainingMetrics } from './logistic-regression';
import { TagModelsRepository, type TrainingWindow } from './tag-models.repository';

export const MAX_TRAINING_ROWS = 100_000;
export const MIN_TRAINING_ROWS = 20;

export interface TrainedModel {
  tagKey: string;
  tagVersion: number;
  modelVersion: number;
  trainingWindow: TrainingWindow;
  metrics: TrainingMetrics;
  coefficients: { intercept: number; weights: Record<string, number> };
}

/**
 * Trains a prediction tag's logistic model on the brand's own released facts: features as of a
 * cut-off `horizonDays` ago, label "ordered again since". Stores the coefficients with the model
 * version and training window; every member is rescored at the next refresh.
 */
@Injectable()
export class TrainPrediction {
  constructor(
    @Inject(AUDIENCE_DB) private readonly ds: DataSource,
    @Inject(AUDIENCE_OPTIONS) private readonly options: AudienceModuleOptions,
    private readonly definitions: TagDefinitionsRepository,
    private readonly models: TagModelsRepository,
    private readonly dirty: DirtyMembersRepository,
  ) {}

  async execute(tagKey: string, now = new Date()): Promise<TrainedModel> {
    const brandId = this.options.brandId;
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const d = await this.definitions.find(tx, brandId, tagKey);
      if (!d) throw new TagError(TagErrorCode.NOT_FOUND, `tag ${tagKey} not found`);
      if (d.layer !== 'prediction' || !d.prediction)
        throw new TagError(
          TagErrorCode.NOT_A_PREDICTION,
          `tag ${tagKey} is a ${d.layer} tag, not a prediction`,
        );
      const { features, horizonDays } = d.prediction;
      const window: TrainingWindow = {
        cutoff: new Date(now.getTime() - horizonDays * 86400_000).toISOString(),
        horizonDays,
      };
      const { x, y } = await this.models.trainingRows(tx, brandId, features, window, MAX_TRAINING_ROWS);
      const positives = y.filter((v) => v === 1).length;
      if (x.length < MIN_TRAINING_ROWS || positives === 0 || positives === y.length)
        throw new TagError(
          TagErrorCode.NOT_ENOUGH_HISTORY,
          `need at least ${MIN_TRAINING_ROWS} members with orders before ${window.cutoff}, some reordering after it and some not (have ${x.length}, ${positives} reordered)`,
        );
      const { model, metrics } = trainLogistic(x, y);
      const modelVersion = await this.models.store(tx, brandId, d, features, model, window, metrics);
      await this.dirty.markBrand(tx, brandId);
      return {
        tagKey,
        tagVersion: d.version,
        modelVersion,
        trainingWindow: window,
        metrics,
        coefficients: {
          intercept: model.intercept,
          weights: Object.fromEntries(features.map((f, i) => [f, model.weights[i]])),
        },
      };
    });
  }
}
