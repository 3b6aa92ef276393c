import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RecurringJob } from '@siyu/persistence';
import { ConsentProjectionRepository } from '../consent-projection/consent-projection.repository';
import { CampaignRepository } from '../campaigns/campaign.repository';
import { nextRunAt } from '../campaigns/campaign-schedule';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { TemplateRepository } from '../templates/template.repository';
import { DispatchRun } from './dispatch-run';
import { PullWecomResults } from './pull-wecom-results.use-case';
import { ReconcileSends } from './reconcile-sends.use-case';
import { ResumeSystemPausedRuns } from './resume-system-paused-runs.use-case';
import { RunRepository } from './run.repository';

/** Delivery reports are pulled for sends submitted longer ago than this. */
const REPORT_PULL_AFTER_MS = 30_000;
/** The gate's change log keeps a day (ADR 0018): pruning it hourly is enough. */
const GATE_CHANGES_PRUNE_EVERY_MS = 3_600_000;

/**
 * The background job behind campaigns (never work inside an HTTP request): starts scheduled
 * campaigns when due, works queued and sending runs (claimed under a lease, so a restart continues
 * where the last process stopped), resumes runs the system paused once the reason cleared, pulls
 * delivery reports and prunes the gate's change log.
 */
@Injectable()
export class CampaignRunner {
  private readonly logger = new Logger('outreach-runner');
  private readonly owner = `runner-${randomUUID()}`;
  private readonly job = new RecurringJob(
    () => this.tick(),
    (err) => this.logger.error(`campaign runner: ${(err as Error).message}`),
  );
  private stopping = false;
  private lastReportPull = 0;
  private lastGateChangesPrune = 0;

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    private readonly campaigns: CampaignRepository,
    private readonly templates: TemplateRepository,
    private readonly runs: RunRepository,
    private readonly dispatch: DispatchRun,
    private readonly reconcile: ReconcileSends,
    private readonly wecomResults: PullWecomResults,
    private readonly autoResume: ResumeSystemPausedRuns,
    private readonly projection: ConsentProjectionRepository,
  ) {}

  start(): void {
    this.stopping = false;
    this.job.start(this.options.runner?.pollMs ?? 250);
  }

  /** Stops after the chunk in flight; its run stays claimed until the lease runs out or we restart. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.job.stop();
  }

  async tick(): Promise<void> {
    await this.startDueCampaigns();
    await this.autoResume.execute();
    for (let i = 0; i < 10 && !this.stopping; i++) {
      const run = await this.ds.transaction((tx) =>
        this.runs.claimNext(tx, this.owner, this.options.runner?.leaseMs ?? 15_000),
      );
      if (!run) break;
      try {
        const campaign = (await this.campaigns.findById(this.ds.manager, run.campaignId))!;
        const template = campaign.templateId
          ? await this.templates.find(this.ds.manager, campaign.brandId, campaign.templateId)
          : null;
        await this.dispatch.execute(run, campaign, template, this.owner, () => this.stopping);
      } finally {
        await this.runs.releaseLease(this.ds.manager, run.id, this.owner);
      }
    }
    if (Date.now() - this.lastReportPull > REPORT_PULL_AFTER_MS / 3) {
      this.lastReportPull = Date.now();
      await this.reconcile.awaitingReports(REPORT_PULL_AFTER_MS);
      await this.wecomResults.execute();
    }
    if (Date.now() - this.lastGateChangesPrune > GATE_CHANGES_PRUNE_EVERY_MS) {
      this.lastGateChangesPrune = Date.now();
      await this.projection.pruneGateChanges(this.ds.manager);
    }
  }

  private async startDueCampaigns(): Promise<void> {
    await this.ds.transaction(async (tx) => {
      for (const c of await this.campaigns.lockDue(tx, 10)) {
        const version = await this.campaigns.latestCompleteSegmentVersion(tx, c.segmentId);
        const next = c.schedule.kind === 'cron' ? nextRunAt(c.schedule, new Date()) : null;
        if (version === null) {
          this.logger.warn(`campaign ${c.id} due but its segment is not materialised: skipped this time`);
          await this.campaigns.setState(tx, c.id, next ? 'scheduled' : 'paused', next);
          continue;
        }
        await this.runs.create(tx, c.id, c.segmentId, version, `schedule:${c.createdBy}`);
        await this.campaigns.setState(tx, c.id, 'sending', next);
      }
    });
  }
}
