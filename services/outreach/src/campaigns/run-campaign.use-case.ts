import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { appendAudit } from '@siyu/audit';
import { type ContactKeyRing, loadContactKeys, loadTokenSigner, type TokenSigner } from '@siyu/crypto';
import { ServiceMessaging } from '@siyu/messaging';
import type { Actor } from '@siyu/auth';
import { SMS_CHANNEL, type SmsChannel } from '../channels/sms.channel';
import { OUTREACH_DB, OUTREACH_OPTIONS, type OutreachModuleOptions } from '../outreach.options';
import { SendGate } from '../send-gate/send-gate';
import { CampaignRepository, type Campaign, type RunCounts } from './campaign.repository';
import { CampaignError, CampaignErrorCode } from './campaigns.errors';
import { composeMarketingSms } from './sms-text';

const BATCH = 200;
const UNSUBSCRIBE_LINK_TTL = 400 * 24 * 3600;

export interface RunResult extends RunCounts {
  runId: string;
  status: string;
}

/**
 * Sends a campaign to the newest materialised version of its segment. Each recipient is gated in
 * its own transaction right before dispatch (consent active, projection fresh); the send row, the
 * audit entry for decrypting the contact point and the dispatch happen together.
 */
@Injectable()
export class RunCampaign {
  private readonly logger = new Logger('outreach-run');
  private readonly unsubscribe: TokenSigner;
  private readonly contacts: ContactKeyRing;

  constructor(
    @Inject(OUTREACH_DB) private readonly ds: DataSource,
    @Inject(OUTREACH_OPTIONS) private readonly options: OutreachModuleOptions,
    @Inject(SMS_CHANNEL) private readonly sms: SmsChannel,
    private readonly campaigns: CampaignRepository,
    private readonly gate: SendGate,
    private readonly messaging: ServiceMessaging,
  ) {
    this.unsubscribe = loadTokenSigner(options.env, 'UNSUBSCRIBE');
    this.contacts = loadContactKeys(options.env);
  }

  async execute(campaignId: string, actor: Actor): Promise<RunResult> {
    const campaign = await this.campaigns.find(this.ds.manager, this.options.brand.id, campaignId);
    if (!campaign) throw new CampaignError(CampaignErrorCode.NOT_FOUND, `campaign ${campaignId} not found`);
    const version = await this.campaigns.latestCompleteSegmentVersion(this.ds.manager, campaign.segmentId);
    if (version === null)
      throw new CampaignError(
        CampaignErrorCode.SEGMENT_NOT_READY,
        'segment has not been materialised yet (POST /api/v1/audience/segments/:id/materialize)',
      );
    const runId = await this.campaigns.startRun(this.ds.manager, campaign.id, version, actor.id);
    const status = await this.dispatchAll(campaign, runId, version, actor);
    await this.campaigns.finishRun(this.ds.manager, runId, status);
    return { runId, status, ...(await this.campaigns.runCounts(this.ds.manager, runId)) };
  }

  private async dispatchAll(
    campaign: Campaign,
    runId: string,
    version: number,
    actor: Actor,
  ): Promise<'completed' | 'paused_stale_consent'> {
    for (;;) {
      const batch = await this.campaigns.pendingRecipients(
        this.ds.manager,
        runId,
        campaign.segmentId,
        version,
        BATCH,
      );
      if (batch.length === 0) return 'completed';
      if (!(await this.waitUntilCaughtUp())) {
        this.logger.warn(`run ${runId} paused: consent projection not current`);
        return 'paused_stale_consent';
      }
      for (const subjectRef of batch) await this.dispatchOne(campaign, runId, subjectRef, actor);
    }
  }

  private async dispatchOne(
    campaign: Campaign,
    runId: string,
    subjectRef: string,
    actor: Actor,
  ): Promise<void> {
    await this.ds.transaction(async (tx) => {
      const verdict = await this.gate.check(
        tx,
        this.messaging.transport,
        subjectRef,
        campaign.purpose,
        campaign.channel,
      );
      if (!verdict.allowed) {
        // A projection that went stale between the wait and here: leave the recipient pending.
        if (verdict.reason !== 'projection_stale')
          await this.campaigns.recordSend(tx, runId, subjectRef, 'suppressed', verdict.reason);
        return;
      }
      if (!(await this.campaigns.recordSend(tx, runId, subjectRef, 'sent', null))) return;
      await appendAudit(tx, {
        actor: actor.id,
        action: 'decrypt_contact_for_dispatch',
        purpose: campaign.purpose,
        subject: subjectRef,
        fields: ['phone'],
        outcome: 'allowed',
      });
      const phone = this.contacts.open(verdict.sealedContact, subjectRef);
      const token = this.unsubscribe.sign(
        { s: subjectRef, b: campaign.brandId, c: campaign.channel, u: campaign.purpose },
        { purpose: 'unsubscribe', expiresInSeconds: UNSUBSCRIBE_LINK_TTL },
      );
      await this.sms.send(
        phone,
        composeMarketingSms(
          this.options.brand.signature,
          campaign.body,
          `${this.options.publicBaseUrl}/u/${token}`,
        ),
      );
    });
  }

  /** Waits until the projection holds every withdrawal committed before this moment. */
  private async waitUntilCaughtUp(): Promise<boolean> {
    const since = await this.gate.databaseNow(this.ds.manager);
    const deadline = Date.now() + (this.options.freshnessWaitMs ?? 10_000);
    for (;;) {
      if (await this.gate.projectionHasPassed(this.ds.manager, this.messaging.transport, since)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
